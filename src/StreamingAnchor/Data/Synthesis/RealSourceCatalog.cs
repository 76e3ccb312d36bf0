namespace StreamingAnchor.Data.Synthesis;

/// <summary>The real speech and noise packages the generator can use (docs/data.md, "Generated corpora").</summary>
public static class RealSourceCatalog
{
    public static readonly IReadOnlyList<RealSource> All =
    [
        new("asterisk", "asterisk-core-sounds-en-g722", RealSourceKind.Speech, "usr/share/asterisk/sounds/en_US_f_Allison",
            [".g722"], ["silence"], "CC-BY-SA-3.0",
            "568 English telephony prompts, one female speaker (G.722, decoded with ffmpeg): real-speech negatives and onsets", "train"),
        new("fillets-nl", "fillets-ng-data-nl", RealSourceKind.Speech, "usr/share/games/fillets-ng/sound",
            [".ogg"], [], "GPL-2+", "Dutch acted game dialogue (1 616 lines): real-speech negatives and onsets", "dev"),
        new("fillets-cs", "fillets-ng-data-cs", RealSourceKind.Speech, "usr/share/games/fillets-ng/sound",
            [".ogg"], [], "GPL-2+", "Czech acted game dialogue (1 882 lines): real-speech negatives and onsets", "test"),
        new("qabcs", "qabcs-data", RealSourceKind.Noise, "usr/share/qabcs/abcs/all/noises",
            [".ogg"], [], "GPL-3+", "241 animal, vehicle and household noises: noise beds"),
        new("scratch", "scratch", RealSourceKind.Noise, "usr/share/scratch/Media/Sounds",
            [".wav", ".mp3"], ["Human", "Vocals"], "CC-BY-SA-3.0",
            "Scratch sound library (animals, effects, instruments, music loops; the Human and Vocals folders are skipped): noise beds"),
        new("lincity", "lincity-ng-data", RealSourceKind.Noise, "usr/share/games/lincity-ng/sounds",
            [".wav"], [], "GPL-2+", "141 city-building game sounds (traffic, industry, crowds): noise beds"),
        new("bucklespring", "bucklespring-data", RealSourceKind.Noise, "usr/share/buckle/wav",
            [".wav"], [], "GPL-2+", "171 mechanical-keyboard key clicks: impulsive noise beds"),
        new("sonic-pi", "sonic-pi-samples", RealSourceKind.Noise, "usr/share/sonic-pi/samples",
            [".flac"], [], "CC0-1.0 (a few CC-BY-SA-4.0/MIT)", "165 drum, ambient and instrument samples: noise beds"),
    ];

    public static RealSource Get(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new SynthesisException($"unknown source '{name}' (known: {string.Join(", ", All.Select(s => s.Name))})");
}
