namespace JwtSessions.Internal;

/// <summary>Where <see cref="JsonNameSet.NextMember(ref System.Text.Json.Utf8JsonReader, Span{byte}, out ReadOnlySpan{byte})"/> stopped.</summary>
internal enum JsonMember
{
    /// <summary>The end of the document.</summary>
    End,

    /// <summary>On a member name at the top level.</summary>
    Found,

    /// <summary>A duplicate name, or a bound on names or depth was hit.</summary>
    Invalid,
}
