namespace JwtSessions.Fuzz;

/// <summary>One fuzz target: the code under test and its oracles (registered by name in <see cref="FuzzTargets"/>).</summary>
internal interface IFuzzTarget
{
    /// <summary>Runs one input through the code under test and its oracles; throws on a finding.</summary>
    void Run(ReadOnlySpan<byte> input);

    /// <summary>Inputs the target builds itself (signed with the fixture's key, which files from elsewhere cannot be).</summary>
    IEnumerable<byte[]> Seeds();
}
