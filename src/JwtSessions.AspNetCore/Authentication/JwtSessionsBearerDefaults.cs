namespace JwtSessions.AspNetCore.Authentication;

/// <summary>Default values of the JwtSessions bearer authentication scheme.</summary>
/// <threadsafety>Constants only.</threadsafety>
public static class JwtSessionsBearerDefaults
{
    /// <summary>The default scheme name, <c>JwtSessions</c>.</summary>
    public const string AuthenticationScheme = "JwtSessions";
}
