using System.Buffers.Text;
using System.Globalization;
using System.Text;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Validation;

namespace JwtSessions.Cli;

/// <summary>
/// The library's main job end to end, one step per method, each writing what it did to a <see cref="TextWriter"/>:
/// generate a key, publish it, mint an access token, validate it, then show a tampered and an expired token rejected.
/// </summary>
/// <remarks>
/// <para>
/// Steps share state through fields and run in the order of <see cref="Steps"/>. To add one (sign in, refresh rotation,
/// reuse detection, ...), write a method <c>bool Name(TextWriter output)</c> and list it there; numbering is automatic.
/// A step returns <see langword="false"/> when the library did not behave as the demo says it should, which stops the
/// demo with exit code 1.
/// </para>
/// <para>
/// Time comes from a <see cref="ManualTimeProvider"/> that starts at the given instant and only moves when a step
/// advances it, so expiry is shown without sleeping and every step sees the same "now".
/// </para>
/// </remarks>
/// <threadsafety>Not thread-safe; run once, from one thread.</threadsafety>
internal sealed partial class Demo : IDisposable
{
    public const string Issuer = "https://issuer.example";
    public const string Audience = "api://demo";
    public const string Subject = "alice";
    public const JwtAlgorithm Algorithm = JwtAlgorithm.ES256;
    public const string KeyId = "demo-key-1";

    private static readonly TimeSpan s_lifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_clockSkew = TimeSpan.FromSeconds(30);

    private readonly ManualTimeProvider _clock;
    private SigningKey? _signingKey;
    private string? _publishedJwks;
    private TokenIssuer? _issuer;
    private TokenValidator? _validator;
    private IssuedToken? _token;
    private int _accepted;
    private int _rejected;

    public Demo(DateTimeOffset start)
    {
        // Whole seconds: tokens carry NumericDates in seconds, so the printed times match the claims exactly.
        _clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(start.ToUnixTimeSeconds()));
    }

    /// <summary>Gets the steps in the order they run.</summary>
    public IReadOnlyList<(string Title, Func<TextWriter, bool> Run)> Steps =>
    [
        ("Generate a signing key", GenerateKey),
        ("Publish the public key as a JWK set", PublishKeys),
        ("Mint an access token", MintAccessToken),
        ("Validate the token", ValidateToken),
        ("Reject a tampered token", RejectTamperedToken),
        ("Reject an expired token", RejectExpiredToken),
        ("Sign in: start a session", SignIn),
        ("Validate the session's access token", ValidateSessionAccessToken),
        ("Refresh: rotate the refresh token", RefreshRotates),
        ("A concurrent refresh inside the grace period", RefreshInsideGrace),
        ("Replay an old refresh token: theft detected", ReplayOldRefreshToken),
        ("The stolen session's access token is rejected", RevokedAccessTokenRejected),
        ("Log out everywhere", LogOutEverywhere),
    ];

    /// <summary>Runs every step, stopping at the first that does not behave as documented.</summary>
    /// <param name="output">Where the narration goes.</param>
    /// <returns><see cref="ExitCodes.Success"/>, or <see cref="ExitCodes.Invalid"/> when a step failed.</returns>
    public int Run(TextWriter output)
    {
        output.WriteLine("JwtSessions demo: mint and validate an access token, watch bad tokens get rejected, then run a session: sign in, refresh, theft detection, log out everywhere.");
        output.WriteLine($"The clock is a manual clock starting at {Format(_clock.GetUtcNow())}; nothing sleeps.");
        var number = 0;
        foreach (var (title, run) in Steps)
        {
            output.WriteLine();
            output.WriteLine($"{++number}. {title}");
            if (!run(output))
            {
                output.WriteLine();
                output.WriteLine($"demo failed at step {number}.");
                return ExitCodes.Invalid;
            }
        }

        output.WriteLine();
        output.WriteLine($"Done: {Steps.Count} steps behaved as documented ({_accepted} plain token accepted, {_rejected} rejected; then the session lifecycle).");
        return ExitCodes.Success;
    }

    /// <summary>Step: a fresh key bound to one algorithm. Only its public half is ever printed.</summary>
    public bool GenerateKey(TextWriter output)
    {
        _signingKey = SigningKey.Generate(Algorithm, KeyId);
        output.WriteLine($"   {Algorithm.GetName()} key '{_signingKey.KeyId}' from the system CSPRNG, bound to {Algorithm.GetName()} only.");
        output.WriteLine("   (jwtsessions keygen --alg ES256 --kid demo-key-1 makes the same kind of key as a private JWK.)");
        return _signingKey.CanSign;
    }

    /// <summary>Step: the JWK set an issuer serves to verifiers, and a verification-only validator built from it.</summary>
    public bool PublishKeys(TextWriter output)
    {
        var ring = KeyRing.Create(Required(_signingKey));
        _publishedJwks = ring.ToJwks();
        output.WriteLine("   The JWK set verifiers fetch (public members only):");
        WriteIndented(output, _publishedJwks);

        var issuerOptions = new TokenIssuerOptions { Issuer = Issuer, Keys = ring, TimeProvider = _clock, DefaultLifetime = s_lifetime };
        issuerOptions.Audiences.Add(Audience);
        _issuer = new TokenIssuer(issuerOptions);

        // The API side knows only what was published: it cannot sign.
        var validatorOptions = new TokenValidatorOptions
        {
            Issuer = Issuer,
            Keys = KeyRing.FromJwks(_publishedJwks),
            TimeProvider = _clock,
            ClockSkew = s_clockSkew,
        };
        validatorOptions.Audiences.Add(Audience);
        _validator = new TokenValidator(validatorOptions);
        output.WriteLine($"   The validator trusts issuer {Issuer} and audience {Audience}, with {s_clockSkew.TotalSeconds:0} s clock skew.");
        return _validator.Keys.ActiveKey is null && !_publishedJwks.Contains("\"d\"", StringComparison.Ordinal);
    }

    /// <summary>Step: an access token for <see cref="Subject"/> with the default lifetime.</summary>
    public bool MintAccessToken(TextWriter output)
    {
        _token = Required(_issuer).Issue(new AccessTokenDescriptor { Subject = Subject, Scopes = { "read" } });
        output.WriteLine($"   sub {Subject}, aud {Audience}, scope read, jti {_token.TokenId}");
        output.WriteLine($"   issued {Format(_token.IssuedAt)}, expires {Format(_token.ExpiresAt)} ({s_lifetime.TotalMinutes:0} min)");
        output.WriteLine($"   {_token.Token}");
        return true;
    }

    /// <summary>Step: the token as an API receives it, in an Authorization header.</summary>
    public bool ValidateToken(TextWriter output)
    {
        var result = Required(_validator).ValidateAuthorizationHeader("Bearer " + Required(_token).Token);
        if (!result.IsValid)
        {
            output.WriteLine($"   unexpectedly rejected: {result.Error.ToCode()}");
            return false;
        }

        _accepted++;
        output.WriteLine($"   Authorization: Bearer <token>  ->  valid: sub {result.Subject}, scopes {string.Join(' ', result.Scopes)}, expires {Format(result.ExpiresAt!.Value)}");
        return result.Subject == Subject;
    }

    /// <summary>Step: the payload is changed after signing, as an attacker would to become someone else.</summary>
    public bool RejectTamperedToken(TextWriter output)
    {
        var segments = Required(_token).Token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(segments[1]));
        var forged = payload.Replace($"\"sub\":\"{Subject}\"", "\"sub\":\"mallory\"", StringComparison.Ordinal);
        var tampered = $"{segments[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(forged))}.{segments[2]}";
        output.WriteLine($"   Changed sub from {Subject} to mallory in the payload and kept the original signature.");
        return ExpectRejected(output, Required(_validator).ValidateToken(tampered), TokenValidationError.BadSignature);
    }

    /// <summary>Step: the clock moves past expiry plus skew; the untouched token is now refused.</summary>
    public bool RejectExpiredToken(TextWriter output)
    {
        var advance = Required(_token).ExpiresAt - _clock.GetUtcNow() + s_clockSkew;
        _clock.Advance(advance);
        output.WriteLine($"   Moved the clock {advance.TotalSeconds:0} s forward to {Format(_clock.GetUtcNow())}: expiry plus the {s_clockSkew.TotalSeconds:0} s skew.");
        return ExpectRejected(output, Required(_validator).ValidateToken(Required(_token).Token), TokenValidationError.Expired);
    }

    private bool ExpectRejected(TextWriter output, JwtValidationResult result, TokenValidationError expected)
    {
        if (result.IsValid)
        {
            output.WriteLine($"   unexpectedly accepted; expected {expected.ToCode()}");
            return false;
        }

        output.WriteLine($"   rejected: {result.Error.ToCode()}");
        _rejected++;
        return result.Error == expected;
    }

    private static T Required<T>(T? value)
        where T : class
        => value ?? throw new InvalidOperationException("A demo step ran before the step that prepares its input.");

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void WriteIndented(TextWriter output, string text)
    {
        foreach (var line in text.Split('\n'))
        {
            output.WriteLine("   " + line.TrimEnd('\r'));
        }
    }
}
