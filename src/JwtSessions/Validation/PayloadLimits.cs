using System.Buffers;
using System.Text.Json;

namespace JwtSessions.Validation;

/// <summary>
/// The limits a payload (and a JOSE header) is read under, shared by validation and issuance: the validator reads every
/// payload with them (docs/validation.md, steps 9 and 16), and <see cref="Issuance.TokenIssuer"/> refuses to mint a payload
/// they would reject, so what the issuer mints its validator reads (AGENTS.md, symmetry rules).
/// </summary>
internal static class PayloadLimits
{
    /// <summary>The deepest nesting of objects and arrays read, in a header or a payload.</summary>
    public const int MaxJsonDepth = 16;

    /// <summary>The most member names a payload may hold, all levels together.</summary>
    public const int MaxMembers = 256;

    /// <summary>
    /// 9999-12-31T23:59:59Z + 1 s: a NumericDate at or beyond it is out of range (docs/security.md, checklist item 25), for
    /// both payload readers.
    /// </summary>
    public const long MaxNumericDateSeconds = 253_402_300_800;

    /// <summary>Strict JSON: no comments, no trailing commas, at most <see cref="MaxJsonDepth"/> levels.</summary>
    public static readonly JsonReaderOptions ReaderOptions = new()
    {
        MaxDepth = MaxJsonDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>
    /// Reads <paramref name="payload"/> as the validator's claims reader does, without an issuer or audience to match: the
    /// error it would report for the payload's JSON and claim types, or <see cref="TokenValidationError.None"/>.
    /// </summary>
    public static TokenValidationError Check(ReadOnlySpan<byte> payload)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(2 * payload.Length);
        try
        {
            return ClaimsReader.Read(payload, scratch.AsSpan(0, 2 * payload.Length), default, [], out _);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch, clearArray: true);
        }
    }
}
