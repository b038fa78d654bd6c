using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RetryDemo.ClientService.Faults;
using RetryDemo.ClientService.Hedging;
using RetryDemo.ClientService.HelloServiceClient;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// ClientService's real service registrations (ServiceDefaults + AddHelloClient, appsettings.json
/// values) with HelloService replaced by a <see cref="ScriptedHandler"/> and time by a fake clock.
/// </summary>
public sealed class HelloPipeline : IAsyncDisposable
{
    private readonly IHost _host;

    public HelloPipeline(ScriptedHandler hello, Action<HttpStandardResilienceOptions>? tune = null, Dictionary<string, string?>? settings = null)
    {
        Hello = hello;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Testing",
            ApplicationName = "RetryDemo.ClientService",
        });
        builder.Configuration.AddJsonFile(Path.Combine(RepositoryPaths.ProjectDirectory("RetryDemo.ClientService"), "appsettings.json"), optional: false);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings ?? [])
        {
            ["services:hello:http:0"] = "http://hello.test:8080",
        });

        builder.AddServiceDefaults();
        builder.AddHelloClient();
        builder.Logging.AddFakeLogging();
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddHttpClient<HelloClient>().ConfigurePrimaryHttpMessageHandler(() => hello);
        builder.Services.AddHttpClient(HelloHedgingExtensions.ClientName).ConfigurePrimaryHttpMessageHandler(() => hello);
        builder.Services.AddHttpClient<CommitLookup>().ConfigurePrimaryHttpMessageHandler(() => hello);
        if (tune is not null)
        {
            // After the product's own configuration; HelloClient's is the only standard pipeline here.
            builder.Services.ConfigureAll(tune);
        }

        _host = builder.Build();
    }

    /// <summary>The options name the standard handler gives the typed client's pipeline: the client's name, then "-standard".</summary>
    public const string PipelineName = nameof(HelloClient) + "-standard";

    public ObservableFakeTimeProvider Time { get; } = new();

    public ScriptedHandler Hello { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Every log record the client wrote.</summary>
    public FakeLogCollector Logs => _host.Services.GetFakeLogCollector();

    public HelloClient CreateClient() => _host.Services.GetRequiredService<HelloClient>();

    /// <summary>Starts the host, which runs every ValidateOnStart check.</summary>
    public Task StartAsync() => _host.StartAsync();

    /// <summary>How far <see cref="RunAsync"/> moves the clock at a time while an attempt hangs, unless told.</summary>
    public static readonly TimeSpan DefaultStep = TimeSpan.FromMilliseconds(10);

    /// <summary>A plain <c>GET /hello</c> through the client (no fault request), run by <see cref="RunAsync"/>.</summary>
    public Task<HelloCallResult<HelloReply>> GetHelloAsync() =>
        RunAsync(client => client.GetHelloAsync(FaultValues.None, default));

    /// <summary>A plain <c>GET /hello/hedged</c> through the hedging pipeline, run by <see cref="RunAsync"/>.</summary>
    /// <summary>
    /// On virtual time once its first attempt is at HelloService: the hedging delay starts beside the first
    /// attempt, and a clock moved at once could reach the attempt's timeout before the attempt reached the handler.
    /// </summary>
    public Task<HelloCallResult<HelloReply>> GetHelloHedgedAsync() =>
        RunAsync(client => client.GetHelloHedgedAsync(FaultValues.None, default), clockAfterAttempt: 1);

    /// <summary>
    /// Runs <paramref name="call"/> on virtual time. The clock only moves while the pipeline is
    /// waiting on it — a backoff delay (advanced by exactly its length) or a hung attempt (advanced in
    /// <paramref name="step"/>s, 10 ms unless given, until a timeout cuts it) — so it can never run
    /// ahead of real work. Fails past <paramref name="limit"/> (1 min unless given) of virtual time or
    /// 30 s of real time, with a message saying which.
    /// </summary>
    /// <param name="clockAfterAttempt">Moves no clock until this attempt is at HelloService (waits started before are kept).</param>
    public Task<T> RunAsync<T>(Func<HelloClient, Task<T>> call, TimeSpan? step = null, TimeSpan? limit = null, int clockAfterAttempt = 0) => Task.Run(async () =>
    {
        var advance = step ?? DefaultStep;
        var virtualLimit = limit ?? TimeSpan.FromMinutes(1);
        var waits = System.Threading.Channels.Channel.CreateUnbounded<(TimeSpan Delay, Task? Hang)>();
        Action<TimeSpan> onDelay = due => waits.Writer.TryWrite((due, null));
        Action<Task> onHang = hang => waits.Writer.TryWrite((TimeSpan.Zero, hang));
        Time.DelayStarted += onDelay;
        Hello.HangStarted += onHang;
        try
        {
            var start = Time.GetUtcNow();
            using var realTime = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            realTime.CancelAfter(TimeSpan.FromSeconds(30));
            var running = call(CreateClient());
            if (clockAfterAttempt > 0)
            {
                await Hello.WaitForAttemptAsync(clockAfterAttempt);
            }

            var nextWait = waits.Reader.ReadAsync(realTime.Token).AsTask();
            while (await Task.WhenAny(running, nextWait) != running)
            {
                if (nextWait.IsCanceled)
                {
                    throw new TimeoutException($"The call neither finished nor started a wait within 30 s of real time ({Hello.Attempts} attempts made).");
                }

                var (delay, hang) = await nextWait;
                nextWait = waits.Reader.ReadAsync(realTime.Token).AsTask();
                if (hang is null)
                {
                    Time.Advance(delay);
                }

                while (hang is { IsCompleted: false })
                {
                    Time.Advance(advance);
                }

                Assert.True(Time.GetUtcNow() - start <= virtualLimit, $"The call did not finish within {virtualLimit} of virtual time.");
            }

            return await running;
        }
        finally
        {
            Time.DelayStarted -= onDelay;
            Hello.HangStarted -= onHang;
        }
    });

    public async ValueTask DisposeAsync()
    {
        // Polly's pipeline, disposed, waits on this clock (1 s polls, 30 s at most) for calls still in flight:
        // a test that failed mid-call leaves one. Virtual time moves on until the host is gone, so such a
        // test reports its failure instead of hanging here.
        var disposing = Task.Run(_host.Dispose);
        for (var step = 0; step < 40 && await Task.WhenAny(disposing, Task.Delay(50)) != disposing; step++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await disposing.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
