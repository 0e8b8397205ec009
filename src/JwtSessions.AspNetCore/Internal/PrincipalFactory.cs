using System.Security.Claims;
using System.Text;
using System.Text.Json;
using JwtSessions.AspNetCore.Authentication;
using JwtSessions.Validation;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// Builds the request's <see cref="ClaimsPrincipal"/> from a validated token's claims view, once per request: each claim is
/// created with the identity as its subject, so <see cref="ClaimsIdentity.AddClaim"/> keeps it rather than cloning it, and no
/// intermediate list is made.
/// </summary>
internal static class PrincipalFactory
{
    public static ClaimsPrincipal Create(scoped in TokenClaimsView claims, string authenticationType, JwtSessionsBearerOptions options)
    {
        var identity = new ClaimsIdentity(authenticationType, JwtSessionsClaimTypes.Subject, JwtSessionsClaimTypes.Role);
        var issuer = options.ClaimsIssuer ?? ClaimValueCache.Get(claims.IssuerUtf8);
        Add(identity, JwtSessionsClaimTypes.Subject, claims.SubjectUtf8, issuer);
        if (claims.HasSessionId)
        {
            Add(identity, JwtSessionsClaimTypes.SessionId, claims.SessionIdUtf8, issuer);
        }

        Add(identity, JwtSessionsClaimTypes.TokenId, claims.TokenIdUtf8, issuer);
        AddRepeating(identity, JwtSessionsClaimTypes.ClientId, claims.ClientIdUtf8, issuer);

        var scope = claims.ScopeUtf8;
        while (!scope.IsEmpty)
        {
            var space = scope.IndexOf((byte)' ');
            var name = space < 0 ? scope : scope[..space];
            AddRepeating(identity, JwtSessionsClaimTypes.Scope, name, issuer);
            scope = space < 0 ? default : scope[(space + 1)..];
        }

        if (options.CustomClaims.Count > 0)
        {
            AddCustomClaims(identity, claims.PayloadUtf8, options.CustomClaims, issuer);
        }

        return new ClaimsPrincipal(identity);
    }

    /// <summary>The same principal from the claims of a DPoP-bound token (RFC 9449 §7), which the full reader returned.</summary>
    public static ClaimsPrincipal Create(TokenClaims claims, string authenticationType, JwtSessionsBearerOptions options)
    {
        var identity = new ClaimsIdentity(authenticationType, JwtSessionsClaimTypes.Subject, JwtSessionsClaimTypes.Role);
        var issuer = options.ClaimsIssuer ?? claims.Issuer;
        Add(identity, JwtSessionsClaimTypes.Subject, claims.Subject, issuer);
        Add(identity, JwtSessionsClaimTypes.SessionId, claims.SessionId, issuer);
        Add(identity, JwtSessionsClaimTypes.TokenId, claims.TokenId, issuer);
        Add(identity, JwtSessionsClaimTypes.ClientId, claims.ClientId, issuer);
        foreach (var scope in claims.Scopes)
        {
            Add(identity, JwtSessionsClaimTypes.Scope, scope, issuer);
        }

        if (options.CustomClaims.Count > 0)
        {
            AddCustomClaims(identity, claims.Payload.Span, options.CustomClaims, issuer);
        }

        return new ClaimsPrincipal(identity);
    }

    private static void Add(ClaimsIdentity identity, string type, string? value, string issuer)
    {
        if (!string.IsNullOrEmpty(value))
        {
            identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, issuer, issuer, identity));
        }
    }

    private static void Add(ClaimsIdentity identity, string type, ReadOnlySpan<byte> valueUtf8, string issuer)
    {
        if (!valueUtf8.IsEmpty)
        {
            identity.AddClaim(new Claim(type, Encoding.UTF8.GetString(valueUtf8), ClaimValueTypes.String, issuer, issuer, identity));
        }
    }

    // A value that repeats from token to token (a client id, a scope name): its string comes from the cache.
    private static void AddRepeating(ClaimsIdentity identity, string type, ReadOnlySpan<byte> valueUtf8, string issuer)
    {
        if (!valueUtf8.IsEmpty)
        {
            identity.AddClaim(new Claim(type, ClaimValueCache.Get(valueUtf8), ClaimValueTypes.String, issuer, issuer, identity));
        }
    }

    private static void AddCustomClaims(ClaimsIdentity identity, ReadOnlySpan<byte> payload, IList<string> names, string issuer)
    {
        var reader = new Utf8JsonReader(payload);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = Match(ref reader, names);
            reader.Read();
            if (name is null)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    AddValue(identity, name, ref reader, issuer);
                }
            }
            else
            {
                AddValue(identity, name, ref reader, issuer);
            }
        }
    }

    private static string? Match(ref Utf8JsonReader reader, IList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (reader.ValueTextEquals(names[i]))
            {
                return names[i];
            }
        }

        return null;
    }

    private static void AddValue(ClaimsIdentity identity, string name, ref Utf8JsonReader reader, string issuer)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                identity.AddClaim(new Claim(name, reader.GetString()!, ClaimValueTypes.String, issuer, issuer, identity));
                break;
            case JsonTokenType.Number:
                identity.AddClaim(new Claim(name, Encoding.UTF8.GetString(reader.ValueSpan), ClaimValueTypes.Double, issuer, issuer, identity));
                break;
            case JsonTokenType.True or JsonTokenType.False:
                identity.AddClaim(new Claim(name, reader.TokenType == JsonTokenType.True ? "true" : "false", ClaimValueTypes.Boolean, issuer, issuer, identity));
                break;
            default:
                reader.Skip();
                break;
        }
    }
}
