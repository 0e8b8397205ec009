namespace MobileBackend;

/// <summary>The sample's one user: a name, the subject its tokens carry, and the scopes it is granted.</summary>
/// <param name="UserName">The name it signs in with.</param>
/// <param name="Subject">The stable identifier its tokens carry as <c>sub</c> (never the user name, which can change).</param>
/// <param name="Scopes">The scopes its sessions are granted.</param>
internal sealed record DemoUser(string UserName, string Subject, IReadOnlyList<string> Scopes);
