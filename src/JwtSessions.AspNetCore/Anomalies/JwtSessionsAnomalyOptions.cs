namespace JwtSessions.AspNetCore.Anomalies;

/// <summary>How the ASP.NET Core integration feeds and enforces the <see cref="JwtSessions.Anomalies.AnomalyDetector"/>.</summary>
/// <threadsafety>Not thread-safe; configure at start-up.</threadsafety>
public sealed class JwtSessionsAnomalyOptions
{
    /// <summary>Gets or sets what identifies a client.</summary>
    /// <value><see cref="JwtSessionsClientKey.RemoteIpAddress"/>.</value>
    public JwtSessionsClientKey ClientKey { get; set; } = JwtSessionsClientKey.RemoteIpAddress;

    /// <summary>
    /// Gets or sets whether the middleware that answers blocked client keys with 429 is put at the start of the pipeline by
    /// itself, before any token is read. Calling <c>UseJwtSessionsAnomalyBlocking</c> moves it to that place instead (it
    /// never runs twice). Set to <see langword="false"/> only to feed the detector without enforcing its blocks, or to
    /// enforce them yourself through <see cref="JwtSessions.Anomalies.AnomalyDetector.IsBlocked(ReadOnlySpan{char})"/>.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool BlockAtPipelineStart { get; set; } = true;

    /// <summary>Lists the problems of these options, naming the setting; empty when valid.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
        => Enum.IsDefined(ClientKey) ? [] : [$"{nameof(ClientKey)}: must be a defined JwtSessionsClientKey."];
}
