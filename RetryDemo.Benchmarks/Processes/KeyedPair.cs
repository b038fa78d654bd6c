using RetryDemo.Processes;

namespace RetryDemo.Benchmarks.Processes;

/// <summary>
/// What the fault experiments run against: HelloService (Release, quiet logs) with fault control on under a
/// key, and ClientService holding that key, so the experiment's callers, which present it too, have their
/// fault parameters (<c>?failureRate=</c>, <c>?seed=</c>) forwarded.
/// </summary>
public static class KeyedPair
{
    public const string QuietLogs = "--Logging:LogLevel:Default=Error";

    public static ServiceProcess StartHello(int port, string key) =>
        ServiceProcess.Start("RetryDemo.HelloService", port, QuietLogs, "--FaultControl:Enabled=true", $"--FaultControl:Key={key}");

    /// <param name="checkout">The checkout whose Release build runs (another commit's, for a before-and-after).</param>
    /// <param name="settings">More configuration, as <c>--Section:Key=value</c> arguments.</param>
    public static ServiceProcess StartClient(string checkout, int port, Uri hello, string key, IEnumerable<string>? settings = null) =>
        ServiceProcess.StartFrom(checkout, "RetryDemo.ClientService", port,
            [QuietLogs, $"--services:hello:http:0={hello}", $"--HelloClient:FaultControlKey={key}", .. settings ?? []]);

    /// <summary>A caller of ClientService that presents the key.</summary>
    public static HttpClient Caller(ServiceProcess client, string key, HttpMessageHandler? handler = null)
    {
        var caller = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = client.Address, Timeout = TimeSpan.FromMinutes(1) };
        caller.DefaultRequestHeaders.Add("X-Fault-Control-Key", key);
        return caller;
    }
}
