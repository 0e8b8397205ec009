namespace JwtSessions.Fuzz;

/// <summary>A target's name (for the command line and fuzz/corpus/NAME), what it covers, and how to make it.</summary>
internal sealed record FuzzTarget(string Name, string Description, Func<IFuzzTarget> Create);
