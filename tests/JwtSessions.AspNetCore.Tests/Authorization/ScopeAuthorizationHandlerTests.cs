using System.Security.Claims;
using JwtSessions.AspNetCore.Authentication;
using JwtSessions.AspNetCore.Authorization;
using JwtSessions.AspNetCore.Internal;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.Tests.Authorization;

/// <summary>
/// The scope handler on its own: it judges only <see cref="ScopeRequirement"/>s, wherever they stand in the policy, and costs a
/// policy without one nothing (ASP.NET Core calls every registered handler for every policy).
/// </summary>
public sealed class ScopeAuthorizationHandlerTests
{
    private static readonly ScopeAuthorizationHandler s_handler = new();

    [Test]
    public async Task HandleAsync_UserHasTheScope_SucceedsOnlyTheScopeRequirement()
    {
        var scope = new ScopeRequirement("orders:read");
        var authenticated = new DenyAnonymousAuthorizationRequirement();
        var context = new AuthorizationHandlerContext([authenticated, scope], User("orders:read", "orders:write"), resource: null);

        await s_handler.HandleAsync(context);

        context.PendingRequirements.Should().Equal(authenticated);
        context.HasFailed.Should().BeFalse();
    }

    [Test]
    public async Task HandleAsync_UserLacksOneOfTheScopes_FailsWithTheScopeAndMarksTheRequest()
    {
        var http = new DefaultHttpContext();
        var scope = new ScopeRequirement("orders:read", "orders:write");
        var context = new AuthorizationHandlerContext([scope], User("orders:read"), http);

        await s_handler.HandleAsync(context);

        context.HasFailed.Should().BeTrue();
        context.FailureReasons.Should().ContainSingle().Which.Message.Should().Be("The access token lacks the scope 'orders:write'.");
        http.Features.Get<InsufficientScopeFeature>()!.RequiredScopes.Should().Equal("orders:read", "orders:write");
    }

    [Test]
    public async Task HandleAsync_TwoScopeRequirementsBothFailing_NamesEveryScopeNeeded()
    {
        // A group's RequireScope and an endpoint's combine into one policy with two requirements.
        var http = new DefaultHttpContext();
        var context = new AuthorizationHandlerContext(
            [new ScopeRequirement("orders:read"), new ScopeRequirement("orders:write", "orders:read")], User("profile"), http);

        await s_handler.HandleAsync(context);

        context.HasFailed.Should().BeTrue();
        context.FailureReasons.Select(r => r.Message).Should().Equal(
            "The access token lacks the scope 'orders:read'.", "The access token lacks the scope 'orders:write'.");
        http.Features.Get<InsufficientScopeFeature>()!.RequiredScopes.Should().Equal("orders:read", "orders:write");
    }

    [Test]
    public async Task HandleAsync_TwoScopeRequirementsOneFailing_NamesTheFailingOnesScopes()
    {
        var http = new DefaultHttpContext();
        var held = new ScopeRequirement("orders:read");
        var context = new AuthorizationHandlerContext([held, new ScopeRequirement("orders:write")], User("orders:read"), http);

        await s_handler.HandleAsync(context);

        context.HasFailed.Should().BeTrue();
        context.PendingRequirements.Should().NotContain(held);
        http.Features.Get<InsufficientScopeFeature>()!.RequiredScopes.Should().Equal("orders:write");
    }

    [Test]
    public async Task HandleAsync_AnonymousUser_FailsWithoutInsufficientScope()
    {
        // An anonymous caller is challenged (401), not told which scope it lacks (403 insufficient_scope).
        var http = new DefaultHttpContext();
        var context = new AuthorizationHandlerContext([new ScopeRequirement("orders:read")], new ClaimsPrincipal(new ClaimsIdentity()), http);

        await s_handler.HandleAsync(context);

        context.HasFailed.Should().BeTrue();
        http.Features.Get<InsufficientScopeFeature>().Should().BeNull();
    }

    [Test]
    public async Task HandleAsync_RequirementsNotAList_StillJudgesTheScopeRequirement()
    {
        var scope = new ScopeRequirement("orders:read");
        var context = new AuthorizationHandlerContext(Enumerate(scope), User("orders:write"), resource: null);

        await s_handler.HandleAsync(context);

        context.HasFailed.Should().BeTrue();
        context.PendingRequirements.Should().Equal(scope);
    }

    [Test]
    public void HandleAsync_PolicyWithoutScopeRequirement_AllocatesNothingAndDecidesNothing()
    {
        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(JwtSessionsClaimTypes.Subject).Build();
        var context = new AuthorizationHandlerContext(policy.Requirements, User("orders:read"), resource: null);
        for (var i = 0; i < 100; i++)
        {
            s_handler.HandleAsync(context).IsCompletedSuccessfully.Should().BeTrue();
        }

        // The least of several calls, as the handler's allocation tests measure: a one-off allocation of the runtime's
        // (tiering, a first use) is not the handler's.
        var least = long.MaxValue;
        for (var i = 0; i < 10; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var task = s_handler.HandleAsync(context);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            task.IsCompletedSuccessfully.Should().BeTrue();
        }

        least.Should().Be(0);
        context.HasSucceeded.Should().BeFalse();
        context.HasFailed.Should().BeFalse();
        context.PendingRequirements.Should().HaveCount(2);
    }

    private static ClaimsPrincipal User(params string[] scopes)
    {
        var identity = new ClaimsIdentity(JwtSessionsBearerDefaults.AuthenticationScheme);
        identity.AddClaim(new Claim(JwtSessionsClaimTypes.Subject, "alice"));
        foreach (var scope in scopes)
        {
            identity.AddClaim(new Claim(JwtSessionsClaimTypes.Scope, scope));
        }

        return new ClaimsPrincipal(identity);
    }

    private static IEnumerable<IAuthorizationRequirement> Enumerate(params IAuthorizationRequirement[] requirements)
    {
        foreach (var requirement in requirements)
        {
            yield return requirement;
        }
    }
}
