using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.Tests.Telemetry;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// The whole app under the real AppHost (Aspire.Hosting.Testing: DCP, randomized ports). Its services
/// export telemetry to an OTLP receiver of this app's own, through Aspire's own wiring (the dashboard's
/// OTLP endpoint setting), or to the app's own dashboard; every resource event is recorded from before
/// the start, and every resource's log lines go to the output of the test using the app (<see cref="Logs"/>).
/// </summary>
public sealed class RetryDemoApp : IAsyncDisposable
{
    /// <summary>Generous: a cold start on a busy 2-core machine takes well under a minute.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(1);

    /// <summary>The app's services, in the order they start.</summary>
    private static readonly string[] Services = ["store", "hello", "client"];

    private readonly ConcurrentQueue<ResourceEvent> _events = new();
    private readonly CancellationTokenSource _stopWatching = new();
    private readonly Task _watching;

    private readonly OtlpReceiver? _otlp;
    private readonly string _storeData;

    private RetryDemoApp(DistributedApplication app, ResourceLogs logs, OtlpReceiver? otlp, string storeData)
    {
        App = app;
        Logs = logs;
        _otlp = otlp;
        _storeData = storeData;
        _watching = Task.Run(async () =>
        {
            await foreach (var resourceEvent in app.ResourceNotifications.WatchAsync(_stopWatching.Token))
            {
                _events.Enqueue(resourceEvent);
            }
        });
    }

    public DistributedApplication App { get; }

    /// <summary>The resources' log lines; a test using a shared app attaches its output with <see cref="AttachToCurrentTest"/>.</summary>
    public ResourceLogs Logs { get; }

    /// <summary>Sends the resources' log lines to the running test's output from now on.</summary>
    public RetryDemoApp AttachToCurrentTest()
    {
        Logs.AttachTo(TestContext.Current.TestOutputHelper);
        return this;
    }

    /// <summary>Where the services send their telemetry (unless the app runs its dashboard).</summary>
    public OtlpReceiver Otlp => _otlp ?? throw new InvalidOperationException("This app sends its telemetry to its dashboard.");

    /// <summary>Every resource event so far, in the order Aspire published them.</summary>
    public IReadOnlyList<ResourceEvent> Events => [.. _events];

    /// <param name="otlpProtocol">"grpc" (Aspire's default) or "http/protobuf".</param>
    /// <param name="configure">Changes to the AppHost's model before it is built, e.g. a resource's environment.</param>
    /// <param name="args">AppHost configuration, e.g. "Parameters:hello-replicas=3".</param>
    public static async Task<RetryDemoApp> StartAsync(string otlpProtocol = "grpc", Action<IDistributedApplicationTestingBuilder>? configure = null, params string[] args)
    {
        var otlp = await OtlpReceiver.StartAsync();
        var otlpEndpoint = otlpProtocol == "grpc"
            ? $"ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL={otlp.Endpoint}"
            : $"ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL={otlp.HttpEndpoint}";
        return await StartAsync(new DistributedApplicationTestingBuilderOptions(), [.. args, otlpEndpoint], otlp, appHost =>
        {
            if (otlpProtocol != "grpc")
            {
                // The testing builder always sets a gRPC endpoint; a required protocol makes Aspire pick the HTTP one.
                foreach (var project in appHost.Resources.OfType<ProjectResource>())
                {
                    appHost.CreateResourceBuilder(project).WithOtlpExporter(OtlpProtocol.HttpProtobuf);
                }
            }

            configure?.Invoke(appHost);
        });
    }

    /// <summary>With the Aspire dashboard on (random ports): the services send their telemetry to it.</summary>
    public static Task<RetryDemoApp> StartWithDashboardAsync() =>
        StartAsync(new DistributedApplicationTestingBuilderOptions { EnableDashboard = true }, [], otlp: null, _ => { });

    private static async Task<RetryDemoApp> StartAsync(
        DistributedApplicationTestingBuilderOptions options, string[] args, OtlpReceiver? otlp, Action<IDistributedApplicationTestingBuilder> configure)
    {
        RetryDemoApp? app = null;
        var logs = new ResourceLogs();
        // Started inside a test (an app of the test's own), its output gets the logs at once; a shared app's
        // tests attach theirs.
        logs.AttachTo(TestContext.Current.TestOutputHelper);
        // Each app's store keeps its data apart: apps in parallel never share, and nothing is left in the repository.
        var storeData = Path.Combine(Path.GetTempPath(), "retrydemo-app-store-" + Guid.NewGuid().ToString("N"));
        var test = TestContext.Current.CancellationToken;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(test);
        deadline.CancelAfter(StartTimeout);
        var step = "The AppHost was not built";
        try
        {
            var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RetryDemo_AppHost>(
                options, [.. args, $"Store:DataDirectory={storeData}"], deadline.Token);
            appHost.Services.AddLogging(logging => logging.AddProvider(logs).AddFilter<ResourceLogs>(ResourceLogs.Include));
            configure(appHost);
            app = new RetryDemoApp(await appHost.BuildAsync(deadline.Token), logs, otlp, storeData);
            // StartAsync returns once every resource has started, and ClientService starts only once HelloService
            // is healthy (WaitFor): so the health of each is awaited beside it, to name the one that is not.
            var starting = app.App.StartAsync(deadline.Token);
            foreach (var resource in Services)
            {
                step = $"{resource} did not become healthy";
                var healthy = app.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, deadline.Token);
                if (await Task.WhenAny(healthy, starting) == starting && starting.IsFaulted)
                {
                    await starting; // a start that failed says why
                }

                await healthy;
            }

            step = "The app did not start";
            await starting;
            return app;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !test.IsCancellationRequested)
        {
            // The resources' last states and own words say why.
            var last = app?.Events.Where(e => Services.Contains(e.Resource.Name)).GroupBy(e => e.ResourceId).Select(g => g.Last()).ToList() ?? [];
            var states = last.Select(e => $"{e.ResourceId}: {e.Snapshot.State?.Text} / {e.Snapshot.HealthStatus}");
            var unhealthy = last.Where(e => e.Snapshot.HealthStatus != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy).Select(e => e.Resource.Name).Distinct()
                .Select(name => $"{name}'s last lines:\n  {string.Join("\n  ", logs.Recent(name))}");
            await DisposeQuietlyAsync(app, otlp);
            throw new TimeoutException(
                $"{step} within {Limit.Describe(StartTimeout)} of the app's start. Last states: {string.Join("; ", states)}\n{string.Join("\n", unhealthy)}");
        }
        catch
        {
            await DisposeQuietlyAsync(app, otlp);
            throw;
        }
    }

    /// <summary>The last snapshot of every instance of <paramref name="resourceName"/> (one per replica).</summary>
    public IReadOnlyList<CustomResourceSnapshot> Instances(string resourceName) =>
        [.. Events.Where(e => e.Resource.Name == resourceName).GroupBy(e => e.ResourceId).Select(g => g.Last().Snapshot)];

    /// <summary>The resource id of every replica of <paramref name="resourceName"/> (what a dashboard command targets).</summary>
    public IReadOnlyList<string> ReplicaIds(string resourceName) =>
        [.. Events.Where(e => e.Resource.Name == resourceName).Select(e => e.ResourceId).Distinct()];

    /// <summary>Each replica's own address (the resource's endpoint is Aspire's proxy in front of them all).</summary>
    public IReadOnlyList<Uri> ReplicaAddresses(string resourceName) =>
        [.. Instances(resourceName).Select(instance => new Uri(
            Assert.Single(instance.EnvironmentVariables, v => v.Name == "ASPNETCORE_URLS").Value!.Split(';')[0])).Distinct()];

    /// <summary>The process id of the replica <paramref name="resourceId"/>, as DCP reports it.</summary>
    public int ProcessId(string resourceId) => Convert.ToInt32(
        Assert.Single(Events.Last(e => e.ResourceId == resourceId && e.Snapshot.Properties.Any(p => p.Name == "executable.pid")).Snapshot.Properties,
            p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A plain client for the resource's http endpoint (no resilience: tests must see exactly what the service answers).</summary>
    public HttpClient CreateHttpClient(string resourceName) => TestHttp.Create(App.GetEndpoint(resourceName, "http"));

    /// <summary>Runs a resource's command (what the dashboard's buttons call), bounded, and checks it succeeded.</summary>
    public async Task<ExecuteCommandResult> RunCommandAsync(string resourceId, string command)
    {
        var result = await Limit.WithinAsync(TimeSpan.FromMinutes(1), $"Command {command} on {resourceId} did not finish",
            ct => App.ResourceCommands.ExecuteCommandAsync(resourceId, command, ct));
        Assert.True(result.Success, $"{resourceId}/{command}: {result.Message}");
        return result;
    }

    /// <summary>
    /// ClientService as a new process, via Aspire's own restart command: its retry budget full and its
    /// breaker closed, whatever earlier tests on a shared app did. Returns once it has answered a call that
    /// is retried once (GET /hello failing its first attempt): that first call pays for JIT and connections
    /// on the retry path the tests use, and its one failure changes neither (the success puts back more than
    /// the failure took from a full budget, and the breaker opens only when every sampled attempt failed).
    /// </summary>
    public async Task RestartClientAsync()
    {
        var client = Assert.Single(ReplicaIds("client"));
        var before = ProcessId(client);
        await RunCommandAsync(client, KnownResourceCommands.RestartCommand);
        await Limit.WithinAsync(TimeSpan.FromMinutes(1), "ClientService did not run as a new process after its restart", ct =>
            App.ResourceNotifications.WaitForResourceAsync("client", e => e.Snapshot.State?.Text == KnownResourceStates.Running && Pid(e.Snapshot) is { } pid && pid != before, ct));

        using var http = CreateHttpClient("client");
        await Limit.WithinAsync(TimeSpan.FromMinutes(1), "ClientService did not answer GET /hello?failFirst=1 with 200 after its restart", async ct =>
        {
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync("/hello?failFirst=1&failStatus=500", ct);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
        });
    }

    private static int? Pid(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    public async ValueTask DisposeAsync()
    {
        await _stopWatching.CancelAsync();
        await Limit.WithinAsync(StopTimeout, "The app (DCP and its services) did not stop", App.DisposeAsync().AsTask());
        Logs.Dispose();
        await _watching.ContinueWith(_ => { }, TaskScheduler.Default);
        if (_otlp is not null)
        {
            await _otlp.DisposeAsync();
        }

        _stopWatching.Dispose();
        if (Directory.Exists(_storeData))
        {
            Directory.Delete(_storeData, recursive: true);
        }
    }

    private static async Task DisposeQuietlyAsync(RetryDemoApp? app, OtlpReceiver? otlp)
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
        else if (otlp is not null)
        {
            await otlp.DisposeAsync();
        }
    }
}
