using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace JwtSessions.AspNetCore.Configuration;

/// <summary>
/// Reads <see cref="SessionManagerOptions"/> and <see cref="AccessTokenValidationOptions"/> from a configuration section
/// (docs/aspnetcore.md, "Configuration"). Every problem is collected and reported together, each naming its setting by its
/// full configuration path (<c>JwtSessions:AccessTokenKeys:JwksFile</c>), as an <see cref="OptionsValidationException"/>
/// when the host starts. Values the section does not set keep what code set (or the defaults).
/// </summary>
internal sealed class JwtSessionsConfigurationReader
{
    private readonly IConfiguration _section;
    private readonly string _prefix;
    private readonly string _contentRoot;
    private readonly List<string> _problems = [];

    public JwtSessionsConfigurationReader(IConfiguration section, string contentRoot)
    {
        _section = section;
        _prefix = section is IConfigurationSection named ? named.Path + ":" : string.Empty;
        _contentRoot = contentRoot;
    }

    public void Read(SessionManagerOptions options)
    {
        options.Issuer = _section[nameof(SessionManagerOptions.Issuer)] ?? options.Issuer;
        options.Audience = _section[nameof(SessionManagerOptions.Audience)] ?? options.Audience;
        options.RefreshAudience = _section[nameof(SessionManagerOptions.RefreshAudience)] ?? options.RefreshAudience;
        options.ClockSkew = TimeSpanAt(nameof(SessionManagerOptions.ClockSkew)) ?? options.ClockSkew;
        options.RevocationFailureMode = EnumAt<RevocationFailureMode>(nameof(SessionManagerOptions.RevocationFailureMode)) ?? options.RevocationFailureMode;
        options.AccessTokenKeys = KeysAt(nameof(SessionManagerOptions.AccessTokenKeys), signing: true) ?? options.AccessTokenKeys;
        options.RefreshTokenKeys = KeysAt(nameof(SessionManagerOptions.RefreshTokenKeys), signing: true) ?? options.RefreshTokenKeys;

        var policy = _section.GetSection(nameof(SessionManagerOptions.Policy));
        if (policy.Exists())
        {
            var path = nameof(SessionManagerOptions.Policy) + ":";
            var current = options.Policy;
            options.Policy = current with
            {
                AccessTokenLifetime = TimeSpanAt(path + nameof(SessionPolicy.AccessTokenLifetime)) ?? current.AccessTokenLifetime,
                IdleTimeout = TimeSpanAt(path + nameof(SessionPolicy.IdleTimeout)) ?? current.IdleTimeout,
                AbsoluteLifetime = TimeSpanAt(path + nameof(SessionPolicy.AbsoluteLifetime)) ?? current.AbsoluteLifetime,
                RefreshGracePeriod = TimeSpanAt(path + nameof(SessionPolicy.RefreshGracePeriod)) ?? current.RefreshGracePeriod,
                MaxSessionsPerSubject = IntAt(path + nameof(SessionPolicy.MaxSessionsPerSubject)) ?? current.MaxSessionsPerSubject,
                PersistentRefreshToken = BoolAt(path + nameof(SessionPolicy.PersistentRefreshToken)) ?? current.PersistentRefreshToken,
            };
        }

        ThrowIfProblems(typeof(SessionManagerOptions));
    }

    public void Read(AccessTokenValidationOptions options)
    {
        options.Issuer = _section[nameof(AccessTokenValidationOptions.Issuer)] ?? options.Issuer;
        options.Audience = _section[nameof(AccessTokenValidationOptions.Audience)] ?? options.Audience;
        options.ClockSkew = TimeSpanAt(nameof(AccessTokenValidationOptions.ClockSkew)) ?? options.ClockSkew;
        options.AccessTokenLifetime = TimeSpanAt(nameof(AccessTokenValidationOptions.AccessTokenLifetime)) ?? options.AccessTokenLifetime;
        options.RevocationFailureMode = EnumAt<RevocationFailureMode>(nameof(AccessTokenValidationOptions.RevocationFailureMode)) ?? options.RevocationFailureMode;
        options.Keys = KeysAt(nameof(AccessTokenValidationOptions.Keys), signing: false) ?? options.Keys;
        ThrowIfProblems(typeof(AccessTokenValidationOptions));
    }

    private void ThrowIfProblems(Type optionsType)
    {
        if (_problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, optionsType, _problems.ConvertAll(static p => "JwtSessions: " + p));
        }
    }

    private KeyRing? KeysAt(string key, bool signing)
    {
        var section = _section.GetSection(key);
        if (!section.Exists())
        {
            return null;
        }

        var path = _prefix + key + ":";
        var sources = 0;
        string? json = null;
        var isSet = false;
        foreach (var (name, set) in new[] { ("JwksFile", true), ("Jwks", true), ("JwkFile", false), ("Jwk", false) })
        {
            var value = section.GetSection(name);
            if (!value.Exists())
            {
                continue;
            }

            sources++;
            isSet = set;
            json = name.EndsWith("File", StringComparison.Ordinal) ? ReadFile(path + name, value.Value) : JsonOf(value);
            if (json is null)
            {
                return null;
            }
        }

        if (sources != 1)
        {
            _problems.Add($"{path}: set exactly one of JwksFile, Jwks, JwkFile or Jwk (found {sources}).");
            return null;
        }

        var activeKeyId = section["ActiveKeyId"];
        try
        {
            KeyRing ring;
            if (isSet)
            {
                ring = KeyRing.FromJwks(json!);
            }
            else
            {
                var single = SigningKey.FromJwk(json!);
                ring = single.CanSign && signing ? KeyRing.Create(single) : KeyRing.ForVerification(single);
            }

            if (activeKeyId is not null)
            {
                return ring.WithActiveKey(activeKeyId);
            }

            if (signing && ring.ActiveKey is null)
            {
                SigningKey? only = null;
                foreach (var candidate in ring.Keys)
                {
                    if (candidate.CanSign)
                    {
                        if (only is not null)
                        {
                            _problems.Add($"{path}ActiveKeyId: the keys hold more than one private key; name the one that signs.");
                            return null;
                        }

                        only = candidate;
                    }
                }

                if (only is null)
                {
                    _problems.Add($"{path}: the keys hold no private key, and this server signs tokens (a validating server uses AddJwtSessionsValidation).");
                    return null;
                }

                return ring.WithActiveKey(only.KeyId);
            }

            return ring;
        }
        catch (Exception e) when (e is InvalidSigningKeyException or KeyNotFoundException or ArgumentException or JsonException or FormatException)
        {
            // The exception's message describes the key, never its secret material (docs/security.md).
            _problems.Add($"{path}: {e.Message}");
            return null;
        }
    }

    private string? ReadFile(string setting, string? file)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            _problems.Add($"{setting}: a file path is required.");
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(_contentRoot, file));
        try
        {
            return File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _problems.Add($"{setting}: cannot read '{full}': {e.Message}");
            return null;
        }
    }

    // A JWK or JWK set either as one JSON string (an environment variable, a secret store) or as the configuration tree an
    // appsettings.json object becomes; the tree's leaves are strings, which is what JWK members are (RFC 7517/7518).
    private static string JsonOf(IConfigurationSection section)
        => section.Value is { } text ? text : NodeOf(section)!.ToJsonString();

    private static JsonNode? NodeOf(IConfigurationSection section)
    {
        if (section.Value is { } leaf)
        {
            return JsonValue.Create(leaf);
        }

        var children = section.GetChildren().ToList();
        var isArray = children.Count > 0;
        foreach (var child in children)
        {
            isArray &= int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _);
        }

        if (isArray)
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(static c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
            {
                array.Add(NodeOf(child));
            }

            return array;
        }

        var obj = new JsonObject();
        foreach (var child in children)
        {
            obj[child.Key] = NodeOf(child);
        }

        return obj;
    }

    private TimeSpan? TimeSpanAt(string key)
    {
        var text = _section[key];
        if (text is null)
        {
            return null;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        _problems.Add($"{_prefix}{key}: '{text}' is not a duration (hh:mm:ss or d.hh:mm:ss).");
        return null;
    }

    private int? IntAt(string key)
    {
        var text = _section[key];
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        _problems.Add($"{_prefix}{key}: '{text}' is not an integer.");
        return null;
    }

    private bool? BoolAt(string key)
    {
        var text = _section[key];
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        _problems.Add($"{_prefix}{key}: '{text}' is not true or false.");
        return null;
    }

    private TEnum? EnumAt<TEnum>(string key)
        where TEnum : struct, Enum
    {
        var text = _section[key];
        if (text is null)
        {
            return null;
        }

        if (Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _))
        {
            return value;
        }

        _problems.Add($"{_prefix}{key}: '{text}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
        return null;
    }
}
