using System.Diagnostics.Metrics;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

[NonParallelizable]
public sealed class RejectionTelemetryTests
{
    [Test]
    public void Validate_RejectionsReachThreshold_RaisesOneBurstPerWindow()
    {
        var time = TestClock.Create();
        var validator = Validators.For(TestKeys.Hs256, time, o => o.RejectionBurst = new RejectionBurstOptions { Threshold = 5, Window = TimeSpan.FromSeconds(10) });
        var bursts = new List<RejectionBurstEventArgs>();
        validator.RejectionBurst += (_, e) => bursts.Add(e);

        for (var i = 0; i < 4; i++)
        {
            validator.ValidateToken("garbage").Error.Should().Be(TokenValidationError.Malformed);
        }

        bursts.Should().BeEmpty("four rejections stay under the threshold of five");

        for (var i = 0; i < 20; i++)
        {
            validator.ValidateToken("garbage");
        }

        bursts.Should().ContainSingle().Which.Count.Should().Be(5);
        bursts[0].WindowStart.Should().Be(TestClock.Start);

        time.Advance(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 5; i++)
        {
            validator.ValidateToken("garbage");
        }

        bursts.Should().HaveCount(2);
        bursts[1].WindowStart.Should().Be(TestClock.Start.AddSeconds(10));
    }

    [Test]
    public void Validate_ValidTokens_NeverCountTowardsABurst()
    {
        var validator = Validators.For(TestKeys.Hs256, configure: o => o.RejectionBurst = new RejectionBurstOptions { Threshold = 1 });
        var raised = 0;
        validator.RejectionBurst += (_, _) => raised++;

        for (var i = 0; i < 10; i++)
        {
            validator.ValidateToken(RawToken.Valid(TestKeys.Hs256)).IsValid.Should().BeTrue();
        }

        raised.Should().Be(0);
        validator.ValidateToken("x.y").IsValid.Should().BeFalse();
        raised.Should().Be(1);
    }

    [Test]
    public void Validate_Rejection_IncrementsRejectedCounterWithErrorCode()
    {
        var validator = Validators.For(TestKeys.Hs256);
        var measurements = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "JwtSessions" && instrument.Name == "jwtsessions.tokens.rejected")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "error")
                {
                    measurements.Add($"{tag.Value}:{value}");
                }
            }
        });
        listener.Start();

        validator.ValidateToken(RawToken.Valid(TestKeys.Hs256) + "x");
        validator.ValidateAuthorizationHeader("Basic abc");

        measurements.Should().Contain("bad_signature:1").And.Contain("invalid_authorization_header:1");
    }

    [Test]
    public void Constructor_NonPositiveBurstThreshold_Throws()
    {
        var act = () => Validators.For(TestKeys.Hs256, configure: o => o.RejectionBurst = new RejectionBurstOptions { Threshold = 0 });

        act.Should().Throw<ArgumentException>().WithMessage("*rejection-burst*");
    }

    [Test]
    public void Validate_ThrowingBurstHandler_StillReturnsTheRejection()
    {
        var validator = Validators.For(TestKeys.Hs256, configure: o => o.RejectionBurst = new RejectionBurstOptions { Threshold = 1 });
        validator.RejectionBurst += (_, _) => throw new InvalidOperationException("observer failure");

        validator.ValidateToken("garbage").Error.Should().Be(TokenValidationError.Malformed);
    }

    [Test]
    public void Validate_DefaultOptions_HundredthRejectionDoesNotThrow()
    {
        var validator = Validators.For(TestKeys.Hs256);
        var raised = 0;
        validator.RejectionBurst += (_, _) => raised++;

        for (var i = 0; i < 150; i++)
        {
            validator.ValidateToken("garbage").Error.Should().Be(TokenValidationError.Malformed);
        }

        raised.Should().Be(1);
    }
}
