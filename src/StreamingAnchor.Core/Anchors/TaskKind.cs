namespace StreamingAnchor.Anchors;

/// <summary>Which task a <see cref="TaskRule"/> turns events into targets and anchors for (docs/data.md, "Task rules").</summary>
public enum TaskKind
{
    /// <summary>Keyword spotting: positive for a window after the keyword end; anchor = keyword end.</summary>
    Kws,

    /// <summary>Speech onset: positive from speech start to end; anchor = speech start.</summary>
    Onset,

    /// <summary>Trigger-phrase detection (e.g. multi-modal): like keyword spotting on the trigger phrase.</summary>
    Trigger,
}
