namespace StreamingAnchor.Data.Synthesis;

/// <summary>The transmission channel a stream passes through after mixing.</summary>
public enum ChannelKind
{
    /// <summary>Full-band 16 kHz, untouched.</summary>
    None,

    /// <summary>Narrow band: 8 kHz, 300-3400 Hz, G.711 mu-law companding (in process, no tool).</summary>
    Telephone,

    /// <summary>Narrow band 300-3400 Hz through the GSM 06.10 full-rate codec (ffmpeg libgsm).</summary>
    Gsm,

    /// <summary>Wide-band G.722 ADPCM at 64 kbit/s (ffmpeg).</summary>
    G722,

    /// <summary>MP3 (ffmpeg libmp3lame) at a low bitrate.</summary>
    Mp3,

    /// <summary>Opus (ffmpeg libopus) at a low bitrate.</summary>
    Opus,
}
