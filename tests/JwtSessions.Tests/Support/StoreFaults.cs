namespace JwtSessions.Tests.Support;

/// <summary>Which operations of a <see cref="TestSessionStore"/> throw.</summary>
[Flags]
internal enum StoreFaults
{
    None = 0,
    Create = 1,
    Get = 2,

    /// <summary>TryRotateAsync throws before touching the store.</summary>
    Rotate = 4,

    /// <summary>TryRotateAsync rotates, then throws: the write landed but the response was lost.</summary>
    RotateThenLoseResponse = 8,
    Revoke = 16,
    List = 32,
}
