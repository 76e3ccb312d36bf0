namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// The real speech, music and noise packages the generator can use, each with its split (docs/data.md, "Real-audio
/// survey"; `sal synth sources` measures them). Whole packages go to one split: test and dev hold packages no
/// training stream hears. Packages reserved for the independent evaluation are never named here.
/// </summary>
public static class RealSourceCatalog
{
    private const string Train = "train";
    private const string Dev = "dev";
    private const string Test = "test";

    /// <summary>0 A.D. ships all its data in one zip.</summary>
    private const string ZeroAd = "usr/share/games/0ad/mods/public/public.zip";

    public static readonly IReadOnlyList<RealSource> All =
    [
        // Speech (train): English telephony prompts, Dutch and English game dialogue.
        new("asterisk", "asterisk-core-sounds-en-g722", RealSourceKind.Speech, "usr/share/asterisk/sounds/en_US_f_Allison",
            [".g722"], ["silence"], "CC-BY-SA-3.0",
            "English telephony prompts, one female speaker (G.722, decoded with ffmpeg): real-speech negatives and onsets", Train, "en"),
        new("fillets-nl", "fillets-ng-data-nl", RealSourceKind.Speech, "usr/share/games/fillets-ng/sound",
            [".ogg"], [], "GPL-2+", "Dutch acted game dialogue: real-speech negatives and onsets", Train, "nl"),
        new("fillets-en", "fillets-ng-data", RealSourceKind.Speech, "usr/share/games/fillets-ng/sound",
            [".ogg"], ["share"], "GPL-2+", "English acted game dialogue (the game's effects in share/ are skipped)", Train, "en"),
        // Speech (dev, test).
        new("gcin", "gcin-voice", RealSourceKind.Speech, "usr/share/gcin-voice/ogg",
            [".ogg"], [], "GPL-3 / CC-BY-3.0", "Mandarin syllables read by two speakers (input-method pronunciation)", Dev, "zh"),
        new("fillets-cs", "fillets-ng-data-cs", RealSourceKind.Speech, "usr/share/games/fillets-ng/sound",
            [".ogg"], [], "GPL-2+", "Czech acted game dialogue: real-speech negatives and onsets", Test, "cs"),

        // 0 A.D.'s unit acknowledgements in reconstructed ancient languages (train, with the rest of the package).
        new("0ad-voice-grc", "0ad-data", RealSourceKind.Speech, "audio/voice/greek/civ", [".ogg"], [], "CC-BY-SA-3.0",
            "unit acknowledgements in Ancient Greek", Train, "grc", ZeroAd),
        new("0ad-voice-la", "0ad-data", RealSourceKind.Speech, "audio/voice/latin/civ", [".ogg"], [], "CC-BY-SA-3.0",
            "unit acknowledgements in Latin", Train, "la", ZeroAd),
        new("0ad-voice-peo", "0ad-data", RealSourceKind.Speech, "audio/voice/persian/civ", [".ogg"], [], "CC-BY-SA-3.0",
            "unit acknowledgements in Old Persian", Train, "peo", ZeroAd),
        new("0ad-voice-xmr", "0ad-data", RealSourceKind.Speech, "audio/voice/napatan/civ", [".ogg"], [], "CC-BY-SA-3.0",
            "unit acknowledgements in Meroitic (Napatan)", Train, "xmr", ZeroAd),

        // Music.
        new("fillets-music", "fillets-ng-data", RealSourceKind.Music, "usr/share/games/fillets-ng/music",
            [".ogg"], [], "GPL-2+", "game soundtrack (ambient, instrumental)", Train),
        new("0ad-music", "0ad-data", RealSourceKind.Music, "audio/music",
            [".ogg"], [], "CC-BY-SA-3.0", "orchestral and folk game soundtrack (0 A.D.)", Train, Archive: ZeroAd),
        new("wesnoth-music", "wesnoth-1.16-music", RealSourceKind.Music, "usr/share/games/wesnoth/1.16/data/core/music",
            [".ogg"], [], "GPL-2+", "orchestral game soundtrack (Battle for Wesnoth)", Train),
        new("colobot-music", "colobot-common-sounds", RealSourceKind.Music, "usr/share/games/colobot/music",
            [".ogg"], [], "GPL-3+", "electronic game soundtrack (Colobot)", Train),
        new("hyperrogue-music", "hyperrogue-music", RealSourceKind.Music, "usr/share/hyperrogue/music",
            [".ogg"], [], "CC-BY-SA-3.0", "game soundtrack (HyperRogue)", Train),
        new("singularity-music", "singularity-music", RealSourceKind.Music, "usr/share/games/singularity/music",
            [".ogg"], [], "CC-BY-SA (Creative Commons, see copyright)", "electronic/ambient game soundtrack (Endgame: Singularity)", Dev),
        new("asc-music", "asc-music", RealSourceKind.Music, "usr/share/games/asc/music",
            [".mp3"], [], "GPL-2+", "rock/orchestral game soundtrack (Advanced Strategic Command)", Dev),
        new("megaglest-music", "megaglest-data", RealSourceKind.Music, "usr/share/games/megaglest/techs/megapack/factions",
            [".ogg"], [], "CC-BY-SA-3.0", "game soundtrack (MegaGlest, one theme per faction)", Dev),
        new("planetblupi-music", "planetblupi-music-ogg", RealSourceKind.Music, "usr/share/planetblupi/music",
            [".ogg"], [], "GPL-3+", "game soundtrack (Planet Blupi)", Test),
        new("drascula-music", "drascula-music", RealSourceKind.Music, "usr/share/scummvm/drascula/audio",
            [".ogg"], [], "Drascula licence (BSD-like)", "adventure-game soundtrack (Drascula)", Test),
        new("freedroid-music", "freedroidrpg-data", RealSourceKind.Music, "usr/share/freedroidrpg/data/sound/music",
            [".ogg"], [], "GPL-2+", "game soundtrack (FreedroidRPG)", Test),
        new("warmux-music", "warmux-data", RealSourceKind.Music, "usr/share/games/warmux/music",
            [".ogg"], [], "GPL-2+", "game soundtrack (Warmux)", Test),

        // Noise: ambience and effects.
        new("qabcs", "qabcs-data", RealSourceKind.Noise, "usr/share/qabcs/abcs/all/noises",
            [".ogg"], [], "GPL-3+", "animal, vehicle and household noises: noise beds", Train),
        new("scratch", "scratch", RealSourceKind.Noise, "usr/share/scratch/Media/Sounds",
            [".wav", ".mp3"], ["Human", "Vocals"], "CC-BY-SA-3.0",
            "Scratch sound library (animals, effects, instruments, music loops; the Human and Vocals folders are skipped): noise beds", Train),
        new("bucklespring", "bucklespring-data", RealSourceKind.Noise, "usr/share/buckle/wav",
            [".wav"], [], "GPL-2+", "mechanical-keyboard key clicks: impulsive noise beds", Train),
        new("sonic-pi", "sonic-pi-samples", RealSourceKind.Noise, "usr/share/sonic-pi/samples",
            [".flac"], [], "CC0-1.0 (a few CC-BY-SA-4.0/MIT)", "drum, ambient and instrument samples: noise beds", Train),
        new("0ad-ambient", "0ad-data", RealSourceKind.Noise, "audio/ambient",
            [".ogg"], [], "CC-BY-SA-3.0", "weather, water, birds, village ambience loops", Train, Archive: ZeroAd),
        new("0ad-effects", "0ad-data", RealSourceKind.Noise, "audio",
            [".ogg"], ["music", "ambient", "voice"], "CC-BY-SA-3.0", "battle, animal, crafting and interface effects", Train,
            Archive: ZeroAd),
        new("colobot-sounds", "colobot-common-sounds", RealSourceKind.Noise, "usr/share/games/colobot/sounds",
            [".wav"], [], "GPL-3+", "machine, robot and explosion effects", Train),
        new("gamine", "gamine-data", RealSourceKind.Noise, "usr/share/games/gamine/sounds",
            [".ogg", ".wav"], [], "GPL-3+", "toy, animal and percussion effects", Dev),
        new("megaglest-ambient", "megaglest-data", RealSourceKind.Noise, "usr/share/games/megaglest/tilesets",
            [".ogg", ".wav"], [], "CC-BY-SA-3.0", "forest, desert, winter and rain ambience loops", Dev),
        new("lincity", "lincity-ng-data", RealSourceKind.Noise, "usr/share/games/lincity-ng/sounds",
            [".wav"], [], "GPL-2+", "city-building game sounds (traffic, industry, crowds): noise beds", Test),
        new("warmux-effects", "warmux-data", RealSourceKind.Noise, "usr/share/games/warmux/sound/default",
            [".ogg"], ["voices"], "GPL-2+", "weapon and explosion effects (the character voices are skipped)", Test),
        new("freedroid-effects", "freedroidrpg-data", RealSourceKind.Noise, "usr/share/freedroidrpg/data/sound/effects",
            [".ogg"], ["voice_samples", "tux_ingame_comments"], "GPL-2+",
            "robot, weapon and item effects (voice samples skipped; the robots' lines, some spoken, skipped in onset corpora)", Test,
            Spoken: ["bot_sounds"]),
    ];

    public static RealSource Get(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown source '{name}' (known: {string.Join(", ", All.Select(s => s.Name))})");
}
