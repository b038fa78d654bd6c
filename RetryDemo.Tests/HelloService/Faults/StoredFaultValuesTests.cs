using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RetryDemo.Contracts.Faults;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.HelloService.Replicas;
using RetryDemo.HelloService.Faults.State;

namespace RetryDemo.Tests.HelloService.Faults;

/// <summary>
/// What the fault state's store hands back is not trusted: anyone who can write to the store could have put
/// a value there that the operator API would refuse. HelloService with a store that answers such values.
/// </summary>
[Trait("Category", "Component")]
public sealed class StoredFaultValuesTests
{
    [Theory]
    [InlineData(999)]
    [InlineData(200)]
    [InlineData(0)]
    [InlineData(-503)]
    public async Task GetHello_StoredFailNextStatusTheOperatorApiRefuses_IsIgnored(int status)
    {
        await using var hello = StartHello(new AttemptFaults(false, status, 0, null));
        using var http = hello.CreatePlainClient();

        using var response = await http.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GetHello_StoredRetryAfterBeyondTheLimit_IsCapped()
    {
        await using var hello = StartHello(new AttemptFaults(false, 503, 86_400 * 365, null));
        using var http = hello.CreatePlainClient();

        using var response = await http.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(FaultLimits.MaxRetryAfterSeconds), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task GetHello_StoredNegativeAttempt_CountsAsTheFirst()
    {
        // A forged attempt count must not make every attempt fall within fail-first.
        await using var hello = StartHello(new AttemptFaults(false, null, 0, -5));
        using var http = hello.CreatePlainClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.Add("X-Request-Id", "forged-attempts");
        request.Headers.Add("X-Fault-Fail-First", "1");

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("attempt").GetInt32());
    }

    private static ServiceHost<ServiceInstance> StartHello(AttemptFaults stored) =>
        new(new Dictionary<string, string?>(), services => services.Replace(ServiceDescriptor.Singleton<IFaultStateStore>(new StoredValues(stored))));

    /// <summary>A store whose every read answers <paramref name="stored"/>, whatever was asked.</summary>
    private sealed class StoredValues(AttemptFaults stored) : IFaultStateStore
    {
        private static readonly FaultStateSnapshot Nothing = new(false, 0, FaultLimits.DefaultFailureStatusCode, 0);

        public ValueTask<AttemptFaults> ObserveAsync(string? countAttemptsOf, bool numberRoll, CancellationToken cancellationToken) => ValueTask.FromResult(stored);

        public ValueTask<FaultStateSnapshot> SnapshotAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Nothing);

        public ValueTask<FaultStateSnapshot> SetOutageAsync(bool on, CancellationToken cancellationToken) => ValueTask.FromResult(Nothing);

        public ValueTask<FaultStateSnapshot> FailNextAsync(int count, int statusCode, int retryAfterSeconds, CancellationToken cancellationToken) => ValueTask.FromResult(Nothing);

        public ValueTask<FaultStateSnapshot> ResetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Nothing);
    }
}
