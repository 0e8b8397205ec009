namespace JwtSessions.AspNetCore.Endpoints;

/// <summary>
/// Rate limits of the refresh and sign-in endpoints, per client IP address, in fixed windows (docs/aspnetcore.md, "Rate
/// limits"). A request over the limit is answered 429 with <c>Retry-After</c>, before any store call.
/// </summary>
/// <threadsafety>Configured at start-up, read-only afterwards.</threadsafety>
public sealed class JwtSessionsRateLimitOptions
{
    /// <summary>Gets or sets whether the limits apply.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the refreshes one IP address may make per <see cref="Window"/>.</summary>
    /// <value>The default value is 30.</value>
    public int RefreshPermitLimit { get; set; } = 30;

    /// <summary>Gets or sets the sign-ins one IP address may attempt per <see cref="Window"/> (the endpoints marked with <c>RequireSignInRateLimit</c>).</summary>
    /// <value>The default value is 10.</value>
    public int SignInPermitLimit { get; set; } = 10;

    /// <summary>Gets or sets the window of the limits.</summary>
    /// <value>The default value is one minute.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Lists every problem, each naming its setting under <paramref name="prefix"/>.</summary>
    internal void Validate(string prefix, List<string> problems)
    {
        if (RefreshPermitLimit < 1)
        {
            problems.Add($"{prefix}{nameof(RefreshPermitLimit)}: must be at least 1 (was {RefreshPermitLimit}); set {prefix}{nameof(Enabled)} to false to turn the limits off.");
        }

        if (SignInPermitLimit < 1)
        {
            problems.Add($"{prefix}{nameof(SignInPermitLimit)}: must be at least 1 (was {SignInPermitLimit}); set {prefix}{nameof(Enabled)} to false to turn the limits off.");
        }

        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromDays(1))
        {
            problems.Add($"{prefix}{nameof(Window)}: must be between one second and one day (was {Window}).");
        }
    }
}
