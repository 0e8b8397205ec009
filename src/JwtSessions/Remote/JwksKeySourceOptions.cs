namespace JwtSessions.Remote;

/// <summary>
/// Configuration of a <see cref="JwksKeySource"/>: where the issuer publishes its JWK set, how often to fetch it, and the
/// bounds of every fetch. The defaults suit a set that rotates a few times a year and an issuer that is occasionally down.
/// </summary>
/// <threadsafety>Not thread-safe; configure on one thread, then build the source, which copies the values.</threadsafety>
public sealed class JwksKeySourceOptions
{
    /// <summary>Gets or sets the JWK set URL: <c>https</c>, or <c>http</c> to a loopback address only. Required.</summary>
    /// <value>No default.</value>
    public Uri? JwksUri { get; set; }

    /// <summary>
    /// Gets or sets how long a fetched set is fresh when the response carries no <c>Cache-Control: max-age</c>. The source
    /// refreshes in the background at three quarters of the freshness lifetime, before the set goes stale.
    /// </summary>
    /// <value>10 minutes; between <see cref="MinRefreshInterval"/> and <see cref="MaxRefreshInterval"/>.</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the shortest freshness lifetime a response's <c>max-age</c> may set (a lower one is raised to it).</summary>
    /// <value>1 minute; at least 1 second.</value>
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the longest freshness lifetime a response's <c>max-age</c> may set (a higher one is lowered to it).</summary>
    /// <value>1 hour; at most 1 day.</value>
    public TimeSpan MaxRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets the shortest time between two fetches caused by tokens naming an unknown <c>kid</c>. The first unknown
    /// <c>kid</c> after a quiet period fetches at once; later ones within the cooldown cause one more fetch at its end, so a
    /// rotation is seen within one cooldown and a flood of made-up <c>kid</c>s costs at most one fetch per cooldown.
    /// </summary>
    /// <value>30 seconds; between 1 second and 1 hour.</value>
    public TimeSpan UnknownKeyCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long the last set fetched stays in use while fetches fail, counted from its last successful fetch.
    /// After that the source holds no key and every token fails as <c>unknown_key</c> until a fetch succeeds (fail closed).
    /// </summary>
    /// <value>1 hour; at least <see cref="MaxRefreshInterval"/>, at most 7 days.</value>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the delay before the first retry after a failed fetch; each further failure doubles it, up to <see cref="RefreshInterval"/>.</summary>
    /// <value>5 seconds; at least 1 second.</value>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the longest a fetch may take, from sending the request to reading the last byte of the body.</summary>
    /// <value>10 seconds; between 1 second and 2 minutes.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the largest response body read; a larger one fails the fetch without being read further.</summary>
    /// <value>256 KiB; between 1 KiB and 16 MiB.</value>
    public int MaxResponseBytes { get; set; } = 256 * 1024;

    /// <summary>Lists every problem a <see cref="JwksKeySource"/> would refuse in these options; empty when they are valid.</summary>
    /// <returns>The problems, one sentence each, naming the setting.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (JwksUri is null)
        {
            problems.Add("JwksUri is required.");
        }
        else if (!IsAllowedUri(JwksUri))
        {
            problems.Add("JwksUri must be an absolute https URL (or http to a loopback address), without user information.");
        }

        if (MinRefreshInterval < TimeSpan.FromSeconds(1))
        {
            problems.Add("MinRefreshInterval must be at least 1 second.");
        }

        if (MaxRefreshInterval < MinRefreshInterval || MaxRefreshInterval > TimeSpan.FromDays(1))
        {
            problems.Add("MaxRefreshInterval must be at least MinRefreshInterval and at most 1 day.");
        }

        if (RefreshInterval < MinRefreshInterval || RefreshInterval > MaxRefreshInterval)
        {
            problems.Add("RefreshInterval must be between MinRefreshInterval and MaxRefreshInterval.");
        }

        if (UnknownKeyCooldown < TimeSpan.FromSeconds(1) || UnknownKeyCooldown > TimeSpan.FromHours(1))
        {
            problems.Add("UnknownKeyCooldown must be between 1 second and 1 hour.");
        }

        if (MaxStaleness < MaxRefreshInterval || MaxStaleness > TimeSpan.FromDays(7))
        {
            problems.Add("MaxStaleness must be at least MaxRefreshInterval and at most 7 days.");
        }

        if (RetryInterval < TimeSpan.FromSeconds(1))
        {
            problems.Add("RetryInterval must be at least 1 second.");
        }

        if (RequestTimeout < TimeSpan.FromSeconds(1) || RequestTimeout > TimeSpan.FromMinutes(2))
        {
            problems.Add("RequestTimeout must be between 1 second and 2 minutes.");
        }

        if (MaxResponseBytes is < 1024 or > 16 * 1024 * 1024)
        {
            problems.Add("MaxResponseBytes must be between 1 KiB and 16 MiB.");
        }

        return problems;
    }

    /// <summary>HTTPS, or HTTP to a loopback address (a test issuer, a sidecar); never credentials in the URL.</summary>
    internal static bool IsAllowedUri(Uri uri)
        => uri.IsAbsoluteUri
            && string.IsNullOrEmpty(uri.UserInfo)
            && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
}
