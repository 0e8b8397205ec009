using System.Text.Json.Nodes;
using JwtSessions.Dpop;
using JwtSessions.Tests.Vectors;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Dpop;

/// <summary>The examples of RFC 9449 (tests/vectors/rfc/dpop-rfc9449.json), validated on a clock at the proof's iat.</summary>
public sealed class DpopRfcVectorTests
{
    private static JsonNode Proof => VectorFiles.LoadJson("rfc/dpop-rfc9449.json")["proof"]!;

    private static DpopProofValidator ValidatorAtIat(out FakeTimeProvider clock)
    {
        clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds((long)Proof["iat"]!));
        return new DpopProofValidator(new DpopProofValidatorOptions(), timeProvider: clock);
    }

    [Test]
    public async Task ValidateAsync_Rfc9449ExampleProof_ValidWithRfcThumbprint()
    {
        var validator = ValidatorAtIat(out _);

        var result = await validator.ValidateAsync((string)Proof["dpop"]!, (string)Proof["htm"]!, new Uri((string)Proof["htu"]!));

        result.Error.Should().Be(DpopProofError.None);
        result.Thumbprint.Should().Be((string)Proof["jkt"]!);
    }

    [Test]
    public async Task ValidateAsync_Rfc9449ExampleProofOnAnotherUri_UriMismatch()
    {
        var validator = ValidatorAtIat(out _);

        var result = await validator.ValidateAsync((string)Proof["dpop"]!, "POST", new Uri("https://server.example.com/resource"));

        result.Error.Should().Be(DpopProofError.UriMismatch);
    }

    [Test]
    public async Task ValidateAsync_Rfc9449ExampleProofAYearLater_TooOld()
    {
        var validator = ValidatorAtIat(out var clock);
        clock.Advance(TimeSpan.FromDays(365));

        var result = await validator.ValidateAsync((string)Proof["dpop"]!, "POST", new Uri((string)Proof["htu"]!));

        result.Error.Should().Be(DpopProofError.TooOld);
    }

    [Test]
    public async Task ValidateAsync_ProofWithRfc9449Ath_AcceptsTheRfcAccessToken()
    {
        var ath = VectorFiles.LoadJson("rfc/dpop-rfc9449.json")["ath"]!;
        var clock = Support.TestClock.Create();
        var validator = new DpopProofValidator(new DpopProofValidatorOptions(), timeProvider: clock);
        using var key = JwtSessions.Signing.SigningKey.Generate(JwtSessions.Signing.JwtAlgorithm.ES256);
        var proof = DpopProofs.Create(key, ath: (string)ath["ath"]!);

        var result = await validator.ValidateAsync(proof, DpopProofs.Method, DpopProofs.Target, accessToken: (string)ath["access_token"]!);

        result.Error.Should().Be(DpopProofError.None);
    }
}
