using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RetryDemo.Store.Garnet;
using StackExchange.Redis;
using RetryDemo.HelloService;
using RetryDemo.HelloService.Faults.State;
using Microsoft.Extensions.Logging;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// The real store — Garnet, started exactly as the Store project starts it — in this test process, on a
/// free loopback port with a data directory of its own (deleted afterwards), asking for a password as
/// under the AppHost. Not a mock: every script and command runs on the server HelloService talks to under
/// the AppHost.
/// </summary>
public sealed class StoreServer : IAsyncDisposable
{
    private readonly GarnetHost _garnet;
    private readonly List<ConnectionMultiplexer> _connections = [];
    private readonly List<StoreFaultSwitchChanges> _changes = [];

    private StoreServer(GarnetOptions options)
    {
        Options = options;
        _garnet = new GarnetHost(Microsoft.Extensions.Options.Options.Create(options), NullLoggerFactory.Instance, NullLogger<GarnetHost>.Instance);
    }

    public GarnetOptions Options { get; }

    /// <summary>The server's host, as the Store project's health check sees it.</summary>
    public GarnetHost Host => _garnet;

    /// <summary>HelloService's <c>ConnectionStrings:store</c>, password included.</summary>
    public string ConnectionString => $"127.0.0.1:{Options.Port},password={Options.Password}";

    /// <summary>
    /// Starts a server on <paramref name="port"/>, or on a free port. A free port is only free until someone
    /// binds it (test classes run in parallel), so a start that finds it taken tries another, a few times.
    /// </summary>
    public static async Task<StoreServer> StartAsync(string? dataDirectory = null, int? port = null, string? password = null, Action<GarnetOptions>? configure = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var server = new StoreServer(new GarnetOptions
            {
                Port = port ?? FreePort(),
                DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "retrydemo-store-" + Guid.NewGuid().ToString("N")),
                Memory = "64m",
                Index = "16m",
                Password = password ?? "test-" + Guid.NewGuid().ToString("N"),
            });
            configure?.Invoke(server.Options);
            try
            {
                await server._garnet.StartAsync(CancellationToken.None);
                return server;
            }
            catch (Exception ex)
            {
                server._garnet.Dispose(); // the data directory stays: a caller's own may hold what it restarts from
                if (port is not null || attempt == 5 || !IsPortTaken(ex))
                {
                    throw;
                }
            }
        }
    }

    internal static bool IsPortTaken(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A client configured by HelloService's own method (1 s timeouts, fail fast), plus admin commands for the tests.</summary>
    /// <param name="port">Another port to connect through (a <see cref="StallingProxy"/> in front of this one).</param>
    public async Task<IConnectionMultiplexer> ConnectAsync(int? port = null)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { IPAddress.Loopback, port ?? Options.Port } },
            AllowAdmin = true,
            Password = Options.Password,
        };
        SharedStateExtensions.ConfigureClient(options);
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        _connections.Add(connection);
        return connection;
    }

    /// <summary>
    /// A replica's changes to the operator's switches, on a connection of its own, started and hearing (its probe
    /// came back through its subscription); stopped when this server is disposed. Through <paramref name="port"/>
    /// when given (a proxy's); its announcements wait <paramref name="hearingTimeout"/> when given.
    /// </summary>
    public async Task<StoreFaultSwitchChanges> HearChangesAsync(ILogger<StoreFaultSwitchChanges>? logger = null, int? port = null, TimeSpan? hearingTimeout = null)
    {
        var changes = new StoreFaultSwitchChanges(await ConnectAsync(port), TimeProvider.System, logger ?? NullLogger<StoreFaultSwitchChanges>.Instance, hearingTimeout);
        _changes.Add(changes);
        await changes.StartAsync(CancellationToken.None);
        await Limit.UntilAsync(TimeSpan.FromSeconds(30), "A replica's probe did not come back through its subscription", () => changes.Heard is not null);
        return changes;
    }

    /// <summary>Stops the server the way its host stops it (the append-only file committed), keeping its data.</summary>
    public async Task StopAsync()
    {
        await _garnet.StopAsync(CancellationToken.None);
        _garnet.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var changes in _changes)
        {
            await changes.StopAsync(CancellationToken.None);
            changes.Dispose();
        }

        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        _garnet.Dispose();
        try
        {
            Directory.Delete(Options.DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp directory's own cleanup.
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
