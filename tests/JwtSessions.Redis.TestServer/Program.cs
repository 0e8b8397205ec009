// A Garnet server (Microsoft Research's Redis-compatible server) for the Redis store tests on machines without
// redis-server. It runs as a child process of the tests so they can kill it and start it again on its append-only file;
// every argument is Garnet's own (for example --port, --lua, --lua-transaction-mode, --aof, --checkpointdir, --recover).
// It serves until it is killed.
using Garnet;

using var server = new GarnetServer(args);
server.Start();
Console.WriteLine("ready");
Thread.Sleep(Timeout.Infinite);
