// The sample mobile backend (README.md beside this file): dotnet run --project samples/MobileBackend
using MobileBackend;

await MobileBackendApp.Create(args).RunAsync();
