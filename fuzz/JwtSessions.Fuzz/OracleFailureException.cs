namespace JwtSessions.Fuzz;

/// <summary>
/// An oracle saw a wrong answer (not a crash): thrown out of the target, so SharpFuzz reports it to libFuzzer as a crash and
/// libFuzzer keeps the input.
/// </summary>
internal sealed class OracleFailureException : Exception
{
    public OracleFailureException()
    {
    }

    public OracleFailureException(string message)
        : base(message)
    {
    }

    public OracleFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new OracleFailureException(message);
        }
    }
}
