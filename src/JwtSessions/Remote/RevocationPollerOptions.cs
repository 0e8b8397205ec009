namespace JwtSessions.Remote;

/// <summary>Configuration of a <see cref="RevocationPoller"/>: the issuer's revocation endpoint and how often to ask it.</summary>
/// <threadsafety>Not thread-safe; configure on one thread, then build the poller, which copies the values.</threadsafety>
public sealed class RevocationPollerOptions
{
    /// <summary>Gets or sets the issuer's revocation endpoint: <c>https</c>, or <c>http</c> to a loopback address only. Required.</summary>
    /// <value>No default.</value>
    public Uri? RevocationsUri { get; set; }

    /// <summary>Gets or sets the time between two polls: with <see cref="RequestTimeout"/>, the bound on how late a revocation is seen.</summary>
    /// <value>5 seconds; between 1 second and 5 minutes.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long after the last successful poll the list is reported unavailable
    /// (<see cref="Revocation.RevocationList.IsAvailable"/>), so validators apply their <c>RevocationFailureMode</c>.
    /// </summary>
    /// <value>30 seconds; at least <see cref="PollInterval"/> plus <see cref="RequestTimeout"/>.</value>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest one poll may take, from sending the request to reading the last byte.</summary>
    /// <value>5 seconds; between 1 second and 1 minute.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the largest response body read; a larger one fails the poll.</summary>
    /// <value>1 MiB (a full page of 1,000 entries is well under 100 KiB); between 1 KiB and 16 MiB.</value>
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>Lists every problem a <see cref="RevocationPoller"/> would refuse in these options; empty when they are valid.</summary>
    /// <returns>The problems, one sentence each, naming the setting.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (RevocationsUri is null)
        {
            problems.Add("RevocationsUri is required.");
        }
        else if (!JwksKeySourceOptions.IsAllowedUri(RevocationsUri))
        {
            problems.Add("RevocationsUri must be an absolute https URL (or http to a loopback address), without user information.");
        }
        else if (HasCursorParameter(RevocationsUri))
        {
            problems.Add("RevocationsUri must not carry a cursor query parameter: the poller adds its own.");
        }

        if (PollInterval < TimeSpan.FromSeconds(1) || PollInterval > TimeSpan.FromMinutes(5))
        {
            problems.Add("PollInterval must be between 1 second and 5 minutes.");
        }

        if (RequestTimeout < TimeSpan.FromSeconds(1) || RequestTimeout > TimeSpan.FromMinutes(1))
        {
            problems.Add("RequestTimeout must be between 1 second and 1 minute.");
        }

        if (MaxStaleness < PollInterval + RequestTimeout)
        {
            problems.Add("MaxStaleness must be at least PollInterval plus RequestTimeout.");
        }

        if (MaxResponseBytes is < 1024 or > 16 * 1024 * 1024)
        {
            problems.Add("MaxResponseBytes must be between 1 KiB and 16 MiB.");
        }

        return problems;
    }

    private static bool HasCursorParameter(Uri uri)
    {
        foreach (var pair in uri.Query.TrimStart('?').Split('&'))
        {
            var name = pair.Split('=', 2)[0];
            if (string.Equals(Uri.UnescapeDataString(name), "cursor", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
