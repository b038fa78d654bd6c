using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using RetryDemo.Tests.Telemetry;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// The whole app under the real AppHost (Aspire.Hosting.Testing: DCP, randomized ports). Its services
/// export telemetry to an OTLP receiver of this app's own, through Aspire's own wiring (the dashboard's
/// OTLP endpoint setting), or to the app's own dashboard; every resource event is recorded from before
/// the start.
/// </summary>
public sealed class RetryDemoApp : IAsyncDisposable
{
    /// <summary>Generous: a cold start on a busy 2-core machine takes well under a minute.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(1);

    private readonly ConcurrentQueue<ResourceEvent> _events = new();
    private readonly CancellationTokenSource _stopWatching = new();
    private readonly Task _watching;

    private readonly OtlpReceiver? _otlp;
    private readonly string _storeData;

    private RetryDemoApp(DistributedApplication app, OtlpReceiver? otlp, string storeData)
    {
        App = app;
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
        using var timeout = new CancellationTokenSource(StartTimeout);
        RetryDemoApp? started = null;
        // Each app's store keeps its data apart: apps in parallel never share, and nothing is left in the repository.
        var storeData = Path.Combine(Path.GetTempPath(), "retrydemo-app-store-" + Guid.NewGuid().ToString("N"));
        try
        {
            var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RetryDemo_AppHost>(
                options, [.. args, $"Store:DataDirectory={storeData}"], timeout.Token);
            configure(appHost);
            started = new RetryDemoApp(await appHost.BuildAsync(timeout.Token), otlp, storeData);
            await started.App.StartAsync(timeout.Token);
            await started.App.ResourceNotifications.WaitForResourceHealthyAsync("store", timeout.Token);
            await started.App.ResourceNotifications.WaitForResourceHealthyAsync("hello", timeout.Token);
            await started.App.ResourceNotifications.WaitForResourceHealthyAsync("client", timeout.Token);
            return started;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            var states = started?.Events.GroupBy(e => e.ResourceId).Select(g => $"{g.Key}: {g.Last().Snapshot.State?.Text} / {g.Last().Snapshot.HealthStatus}");
            await DisposeQuietlyAsync(started, otlp);
            throw new TimeoutException($"The app was not healthy within {StartTimeout}. Last states: {string.Join("; ", states ?? ["none"])}");
        }
        catch
        {
            await DisposeQuietlyAsync(started, otlp);
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

    public HttpClient CreateHttpClient(string resourceName)
    {
        // No resilience handler: tests must see exactly what the service answers.
        var http = App.CreateHttpClient(resourceName, "http");
        http.Timeout = TimeSpan.FromMinutes(1);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopWatching.CancelAsync();
        await App.DisposeAsync().AsTask().WaitAsync(StopTimeout);
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
