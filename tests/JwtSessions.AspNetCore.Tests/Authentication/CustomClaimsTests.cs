using System.Net;
using System.Net.Http.Json;
using JwtSessions.AspNetCore.Authentication;
using JwtSessions.AspNetCore.Tests.Support;
using JwtSessions.Issuance;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.AspNetCore.Tests.Authentication;

/// <summary>
/// <see cref="JwtSessionsBearerOptions.CustomClaims"/>: the allow-list of payload members copied to the principal, on a
/// validating server reading another issuer's tokens (docs/aspnetcore.md, "Failures (RFC 6750)").
/// </summary>
public sealed class CustomClaimsTests
{
    [Test]
    public async Task Authenticate_ListedMembers_BecomeClaimsAndOthersDoNot()
    {
        var time = new FakeTimeProvider(TestApp.Start);
        var keys = TestApp.NewHmacKeys("access-1");
        await using var app = await TestApp.StartAsync(options =>
        {
            options.Time = time;
            options.ValidationOnly = true;
            options.AccessKeys = keys;
            options.Bearer = static bearer =>
            {
                bearer.CustomClaims.Add("role");
                bearer.CustomClaims.Add("tenant");
                bearer.CustomClaims.Add("level");
                bearer.CustomClaims.Add("beta");
            };
        });
        var issuer = new TokenIssuer(new TokenIssuerOptions { Issuer = TestApp.Issuer, Audiences = { TestApp.Audience }, Keys = keys, TimeProvider = time });
        var descriptor = new AccessTokenDescriptor { Subject = "alice" };
        descriptor.Claims["role"] = new[] { "admin", "ops" };
        descriptor.Claims["tenant"] = "t1";
        descriptor.Claims["level"] = 3;
        descriptor.Claims["beta"] = true;
        descriptor.Claims["unlisted"] = "never a claim";
        using var client = app.CreateClient();

        using var response = await client.GetWithTokenAsync("/claims", issuer.Issue(descriptor).Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var claims = await response.Content.ReadFromJsonAsync<string[]>();
        claims.Should().Contain(["sub=alice", "role=admin", "role=ops", "tenant=t1", "level=3", "beta=true"]);
        claims.Should().NotContain(static c => c.StartsWith("unlisted=", StringComparison.Ordinal));
    }

    [TestCase("Scope")]
    [TestCase("SID")]
    [TestCase("sub")]
    [TestCase("Client_Id")]
    [TestCase("JTI")]
    public void Validate_CustomClaimNamedLikeTheHandlersOwn_Throws(string name)
    {
        // ClaimsIdentity.HasClaim matches types ignoring case: a member "Scope" would pass RequireScope as a "scope" claim.
        var options = new JwtSessionsBearerOptions();
        options.CustomClaims.Add(name);

        Action validate = options.Validate;

        validate.Should().Throw<InvalidOperationException>().WithMessage($"JwtSessionsBearerOptions.CustomClaims[0]: '{name}' names a claim the handler builds itself*");
    }
}
