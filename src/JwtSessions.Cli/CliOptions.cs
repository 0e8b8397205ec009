using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using JwtSessions.Signing;

namespace JwtSessions.Cli;

/// <summary>Option factories shared by the commands, with parse errors worded for people rather than for .NET types.</summary>
internal static class CliOptions
{
    /// <summary>A required <c>--alg</c> taking an exact JWA name (RFC 7518 §3.1, RFC 8037); <c>none</c> is never one.</summary>
    public static Option<JwtAlgorithm> Algorithm(string description)
    {
        var names = JwtAlgorithms.All.Select(static a => a.GetName()).ToArray();
        var option = new Option<JwtAlgorithm>("--alg")
        {
            Description = $"{description} One of: {string.Join(", ", names)}.",
            HelpName = "ALG",
            Required = true,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (JwtAlgorithms.TryParse(text, out var algorithm))
                {
                    return algorithm;
                }

                result.AddError($"'{text}' is not a supported algorithm for --alg; use one of {string.Join(", ", names)} (names are case-sensitive).");
                return default;
            },
        };
        option.CompletionSources.Add(names);
        return option;
    }

    /// <summary>A string option whose value, when given, must not be empty.</summary>
    public static Option<string> Text(string name, string helpName, string description, bool required)
    {
        var option = new Option<string>(name) { Description = description, HelpName = helpName, Required = required };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && result.Tokens[0].Value.Length == 0)
            {
                result.AddError($"{name} must not be empty.");
            }
        });
        return option;
    }

    /// <summary>A whole number of seconds between <paramref name="minimum"/> and <paramref name="maximum"/>.</summary>
    public static Option<long> Seconds(string name, string helpName, string description, long minimum, long maximum, long? defaultValue)
    {
        var option = new Option<long>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => ParseSeconds(result, name, minimum, maximum),
        };
        if (defaultValue is { } value)
        {
            option.DefaultValueFactory = _ => value;
        }

        return option;
    }

    private static long ParseSeconds(ArgumentResult result, string name, long minimum, long maximum)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            result.AddError($"{name} takes a whole number of seconds; got '{text}'.");
            return default;
        }

        if (seconds < minimum || seconds > maximum)
        {
            result.AddError($"{name} must be between {minimum} and {maximum} seconds; got {seconds}.");
            return default;
        }

        return seconds;
    }
}
