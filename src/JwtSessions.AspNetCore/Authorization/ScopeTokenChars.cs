using System.Buffers;

namespace JwtSessions.AspNetCore.Authorization;

/// <summary>RFC 6749 §3.3: the characters of a scope name.</summary>
internal static class ScopeTokenChars
{
    public static readonly SearchValues<char> Allowed = SearchValues.Create(
        "!#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");
}
