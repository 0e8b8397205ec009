using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace JwtSessions.Validation;

/// <summary>Matches member names to the registered claims both payload readers type-check (docs/validation.md, step 16).</summary>
internal static class RegisteredClaims
{
    /// <summary>
    /// Matches an unescaped member name against the claims the validator reads, in one switch instead of a chain of string
    /// comparisons: three-byte names as one integer, the two longer ones by length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static RegisteredClaim Match(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 => (name[0] | (name[1] << 8) | (name[2] << 16)) switch
        {
            'e' | ('x' << 8) | ('p' << 16) => RegisteredClaim.Exp,
            'i' | ('a' << 8) | ('t' << 16) => RegisteredClaim.Iat,
            'n' | ('b' << 8) | ('f' << 16) => RegisteredClaim.Nbf,
            'i' | ('s' << 8) | ('s' << 16) => RegisteredClaim.Iss,
            'a' | ('u' << 8) | ('d' << 16) => RegisteredClaim.Aud,
            's' | ('u' << 8) | ('b' << 16) => RegisteredClaim.Sub,
            'j' | ('t' << 8) | ('i' << 16) => RegisteredClaim.Jti,
            's' | ('i' << 8) | ('d' << 16) => RegisteredClaim.Sid,
            'g' | ('e' << 8) | ('n' << 16) => RegisteredClaim.Gen,
            'c' | ('n' << 8) | ('f' << 16) => RegisteredClaim.Cnf,
            _ => RegisteredClaim.Other,
        },
        5 when name.SequenceEqual("scope"u8) => RegisteredClaim.Scope,
        9 when name.SequenceEqual("client_id"u8) => RegisteredClaim.ClientId,
        _ => RegisteredClaim.Other,
    };

    /// <summary>Where either reader keeps the start of a plain string claim: <c>sub</c>, <c>jti</c>, <c>sid</c>, <c>scope</c>, <c>client_id</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref StringClaim StringSlot(ref ClaimSlots slots, RegisteredClaim claim)
    {
        switch (claim)
        {
            case RegisteredClaim.Sub:
                return ref slots.Sub;
            case RegisteredClaim.Jti:
                return ref slots.Jti;
            case RegisteredClaim.Sid:
                return ref slots.Sid;
            case RegisteredClaim.Scope:
                return ref slots.Scope;
            case RegisteredClaim.ClientId:
                return ref slots.ClientId;
            default:
                throw new UnreachableException();
        }
    }
}
