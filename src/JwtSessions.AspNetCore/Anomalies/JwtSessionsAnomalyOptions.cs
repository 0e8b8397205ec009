namespace JwtSessions.AspNetCore.Anomalies;

/// <summary>How the ASP.NET Core integration feeds and enforces the <see cref="JwtSessions.Anomalies.AnomalyDetector"/>.</summary>
/// <threadsafety>Not thread-safe; configure at start-up.</threadsafety>
public sealed class JwtSessionsAnomalyOptions
{
    /// <summary>Gets or sets what identifies a client.</summary>
    /// <value><see cref="JwtSessionsClientKey.RemoteIpAddress"/>.</value>
    public JwtSessionsClientKey ClientKey { get; set; } = JwtSessionsClientKey.RemoteIpAddress;

    /// <summary>Lists the problems of these options, naming the setting; empty when valid.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
        => Enum.IsDefined(ClientKey) ? [] : [$"{nameof(ClientKey)}: must be a defined JwtSessionsClientKey."];
}
