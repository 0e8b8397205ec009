namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>What serves a <see cref="RequestApp"/>.</summary>
public enum RequestHost
{
    /// <summary>In-process <c>TestServer</c>: no sockets, its own request plumbing (BenchmarkDotNet).</summary>
    TestServer,

    /// <summary>Kestrel on 127.0.0.1, a free port (<c>--wrk</c>).</summary>
    Kestrel,

    /// <summary><see cref="DirectServer"/>: the hosting layer and the pipeline on the caller's thread, no transport (<c>--pipeline</c>).</summary>
    Direct,
}
