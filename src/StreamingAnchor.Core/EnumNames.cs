using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamingAnchor;

/// <summary>
/// The names of enum values in files and on the command line, the same ones <see cref="ProjectJson"/> writes: a
/// member's <see cref="JsonStringEnumMemberNameAttribute"/> ("sa+fl", "exp", "weight-sum") or else its name in
/// camelCase ("gru", "kws"). Every flag, config key and report that names such a value goes through here, so the
/// spellings cannot drift apart.
/// </summary>
public static class EnumNames
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<(string Name, object Value)>> Tables = new();

    /// <summary>The value's name, e.g. LossKind.SaPlusFl -> "sa+fl".</summary>
    public static string Name<T>(this T value) where T : struct, Enum
    {
        foreach (var (name, v) in Table(typeof(T)))
        {
            if (v.Equals(value))
            {
                return name;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(value), value, $"not a defined {typeof(T).Name}");
    }

    /// <summary>Every name of <paramref name="type"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All(Type type) => Table(type).Select(e => e.Name).ToList();

    /// <summary>Every name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => All(typeof(T));

    /// <summary>"a, b or c": the names of <typeparamref name="T"/> as an error message lists them.</summary>
    public static string Expected<T>() where T : struct, Enum => Expected(typeof(T));

    /// <summary>"a, b or c" for an enum type.</summary>
    public static string Expected(Type type)
    {
        var names = All(type);
        return names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";
    }

    /// <summary>The value named <paramref name="text"/> (any case, surrounding blanks ignored).</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        var key = text?.Trim();
        foreach (var (name, v) in Table(typeof(T)))
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                value = (T)v;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>
    /// The value named <paramref name="text"/>, or an <see cref="ArgumentException"/> naming <paramref name="what"/>
    /// and the allowed names: "unknown loss kind 'sa-fl' (expected ce, focal, sal, sa+fl, safl or maxpool)".
    /// </summary>
    public static T Parse<T>(string text, string what) where T : struct, Enum =>
        TryParse<T>(text, out var value) ? value : throw new ArgumentException($"unknown {what} '{text}' (expected {Expected<T>()})");

    private static IReadOnlyList<(string Name, object Value)> Table(Type type) => Tables.GetOrAdd(type, static t =>
        t.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(f.Name), f.GetValue(null)!))
            .ToList());
}
