using Garnet;

using var server = new GarnetServer(args);
server.Start();
Console.WriteLine("ready");
Thread.Sleep(Timeout.Infinite);
