using System.CommandLine;

namespace StreamingAnchor.Cli;

/// <summary>
/// A flag whose value is one of an enum's names (<see cref="EnumNames"/>: "gru", "sa+fl", "exp"), the one way every
/// command binds such flags. An unknown value fails parsing, which is a usage error (exit 2) naming the flag and the
/// allowed values: <c>error: --loss: unknown loss kind 'sa-fl' (expected ce, focal, sal, sa+fl, safl or maxpool)</c>.
/// </summary>
internal static class EnumOption
{
    /// <param name="what">What the value is, for the error ("loss kind").</param>
    /// <param name="description">Help text; null: the allowed names, "a | b | c".</param>
    public static Option<T?> Create<T>(string name, string what, string? description = null) where T : struct, Enum => new(name)
    {
        Description = description ?? string.Join(" | ", EnumNames.All<T>()),
        HelpName = typeof(T).Name,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(" ", result.Tokens.Select(t => t.Value));
            if (EnumNames.TryParse<T>(text, out var value))
            {
                return value;
            }
            result.AddError($"{name}: unknown {what} '{text}' (expected {EnumNames.Expected<T>()})");
            return null;
        },
    };

    /// <summary>
    /// A comma-separated list of <typeparamref name="T"/>'s names ("gru,tcn"; with <paramref name="spaced"/> also
    /// "gru tcn"), or "all" for every value when <paramref name="all"/>; <paramref name="defaults"/> when the flag is not given.
    /// </summary>
    public static Option<IReadOnlyList<T>> List<T>(string name, string what, string description, IReadOnlyList<T> defaults, bool all = false,
        bool spaced = false) where T : struct, Enum => new(name)
    {
        Description = description,
        AllowMultipleArgumentsPerToken = spaced,
        DefaultValueFactory = _ => defaults,
        CustomParser = result =>
        {
            var text = string.Join(",", result.Tokens.Select(t => t.Value));
            var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (all && items is ["all"])
            {
                return Enum.GetValues<T>();
            }
            var values = new List<T>();
            foreach (var item in items)
            {
                if (!EnumNames.TryParse<T>(item, out var value))
                {
                    result.AddError($"{name}: unknown {what} '{item}' (expected {EnumNames.Expected<T>()}{(all ? ", or all" : "")})");
                    return [];
                }
                values.Add(value);
            }
            return values;
        },
    };
}
