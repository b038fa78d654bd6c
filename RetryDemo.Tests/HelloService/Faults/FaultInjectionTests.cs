using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RetryDemo.HelloService.Faults;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.HelloService.Replicas;
using RetryDemo.HelloService.Faults.Injection;

namespace RetryDemo.Tests.HelloService.Faults;

[Trait("Category", "Component")]
public class FaultInjectionTests
{
    private static ServiceHost<ServiceInstance> StartHello(Dictionary<string, string?>? settings = null, string environment = "Development") =>
        new(settings ?? [], environment: environment);

    [Fact]
    public async Task GetHello_FailFirstTwo_FailsTwiceThenSucceedsForTheSameRequestId()
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
            request.Headers.Add("X-Request-Id", "seed-1");
            request.Headers.Add("X-Fault-Fail-First", "2");
            request.Headers.Add("X-Fault-Status", "500");
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.OK], statuses);
    }

    [Fact]
    public async Task GetHello_Throttled_Answers429WithRetryAfter()
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.Add("X-Fault-Fail-First", "1");
        request.Headers.Add("X-Fault-Status", "429");
        request.Headers.Add("X-Fault-Retry-After", "7");
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
    }

    public static TheoryData<string, string> InvalidOverrides => new()
    {
        { "X-Fault-Fail-First", "-1" },
        { "X-Fault-Fail-First", "101" },
        { "X-Fault-Fail-First", "two" },
        { "X-Fault-Rate", "1.5" },
        { "X-Fault-Rate", "-0.1" },
        { "X-Fault-Rate", "NaN" },
        { "X-Fault-Status", "418" },
        { "X-Fault-Status", "200" },
        { "X-Fault-Latency-Ms", "999999" },
        { "X-Fault-Latency-Ms", "-5" },
        { "X-Fault-Retry-After", "-1" },
        { "X-Fault-Retry-After", "86400" },
        { "X-Fault-Hang", "maybe" },
        { "X-Fault-Rate", "0,1" },
        { "X-Fault-Rate", "1," },
        { "X-Fault-Fail-First", "1,000" },
    };

    [Theory]
    [MemberData(nameof(InvalidOverrides))]
    public async Task GetHello_InvalidFaultHeader_Answers400ProblemNamingTheHeader(string header, string value)
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(problem.GetProperty("errors").TryGetProperty(header, out var messages), $"errors should name {header}: {problem}");
        Assert.DoesNotContain(value, messages[0].GetString()!);
    }

    public static TheoryData<string[]> ForeignRequestIds => new()
    {
        new[] { "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}" },
        new[] { "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8" },
        new[] { new string('x', 65) },
        new[] { "has spaces" },
        new[] { "one", "two" },
    };

    [Theory]
    [MemberData(nameof(ForeignRequestIds))]
    public async Task GetHello_ForeignRequestIdWithoutFailFirst_IsIgnored(string[] values)
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.TryAddWithoutValidation("X-Request-Id", values);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("X-Fault-Fail-First", "2", "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}")]
    [InlineData("X-Fault-Seed", "7", "{not-an-id}")]
    public async Task GetHello_MalformedRequestIdWhereAttemptsAreCounted_Answers400NamingIt(string header, string value, string requestId)
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.TryAddWithoutValidation("X-Request-Id", requestId);
        request.Headers.Add(header, value);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(problem.GetProperty("errors").TryGetProperty("X-Request-Id", out _), problem.ToString());
    }

    [Fact]
    public async Task GetHello_RetryAfterWith500_Answers400()
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.Add("X-Fault-Status", "500");
        request.Headers.Add("X-Fault-Retry-After", "3");
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("Faults:FailFirstAttempts", "-1")]
    [InlineData("Faults:FailureRate", "1.5")]
    [InlineData("Faults:FailureStatusCode", "418")]
    [InlineData("Faults:LatencyMs", "600000")]
    public async Task Start_InvalidFaultProfile_FailsValidation(string key, string value)
    {
        using var host = BuildFaultInjectionHost(new() { [key] = value }, "Development");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(key.Split(':')[1], error.Message);
    }

    [Fact]
    public async Task Start_FaultControlEnabledOutsideDevelopmentWithoutKey_FailsValidation()
    {
        using var host = BuildFaultInjectionHost(new() { ["FaultControl:Enabled"] = "true" }, "Production");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("FaultControl:Key", error.Message);
    }

    /// <summary>HelloService's fault registrations alone, to see what start-up validation does with them.</summary>
    private static Microsoft.Extensions.Hosting.IHost BuildFaultInjectionHost(Dictionary<string, string?> settings, string environment)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings
        {
            EnvironmentName = environment,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddFaultInjection();
        return builder.Build();
    }

    [Fact]
    public async Task FaultControls_DisabledInProduction_AreNotReachable()
    {
        await using var hello = StartHello(environment: "Production");
        using var http = hello.CreatePlainClient();

        using var outage = await http.PostAsync("/faults/outage/on", null, TestContext.Current.CancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.Add("X-Fault-Fail-First", "1");
        using var overridden = await http.SendAsync(request, TestContext.Current.CancellationToken);
        using var plain = await http.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, outage.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, overridden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-key-wrong-key", HttpStatusCode.Forbidden)]
    [InlineData("the-right-key-0123456789", HttpStatusCode.OK)]
    public async Task FaultControls_WithKey_RequireTheMatchingHeader(string? key, HttpStatusCode expected)
    {
        await using var hello = StartHello(new()
        {
            ["FaultControl:Enabled"] = "true",
            ["FaultControl:Key"] = "the-right-key-0123456789",
        }, environment: "Production");
        using var http = hello.CreatePlainClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/faults/reset");
        if (key is not null)
        {
            request.Headers.Add("X-Fault-Control-Key", key);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("/faults/fail-next/abc")]
    [InlineData("/faults/fail-next/2?status=five")]
    [InlineData("/faults/throttle/x?retryAfterSeconds=y")]
    [InlineData("/faults/outage/on")]
    public async Task FaultControls_Disabled_AnswerNotFoundBeforeReadingTheCommand(string path)
    {
        await using var hello = StartHello(environment: "Production");
        using var http = hello.CreatePlainClient();

        using var response = await http.PostAsync(path, null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("the-right-key")]                 // a prefix
    [InlineData("the-right-key-01234567890")]     // one character more
    public async Task FaultControls_WrongKeyOfAnyLength_IsForbidden(string presented)
    {
        await using var hello = StartHello(new()
        {
            ["FaultControl:Enabled"] = "true",
            ["FaultControl:Key"] = "the-right-key-0123456789",
        }, environment: "Production");
        using var http = hello.CreatePlainClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/faults/reset");
        request.Headers.Add("X-Fault-Control-Key", presented);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>
    /// Reloads of the fault-control key, in order, then which keys open <c>/faults</c>: a valid reload takes effect
    /// at once; an invalid one (under 16 characters) is ignored and the last valid key, not start-up's, stays.
    /// </summary>
    [Theory]
    [InlineData("the-next-key-9876543210", "the-next-key-9876543210")]
    [InlineData("the-next-key-9876543210,short", "the-next-key-9876543210")]
    [InlineData("short", "the-right-key-0123456789")]
    public async Task FaultControls_KeyReloaded_TheLastValidKeyIsInForce(string reloads, string inForce)
    {
        var configuration = new ChangeableConfiguration();
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?>
        {
            ["FaultControl:Enabled"] = "true",
            ["FaultControl:Key"] = "the-right-key-0123456789",
        }, environment: "Production", reloadable: configuration);
        using var http = hello.CreatePlainClient();

        foreach (var reload in reloads.Split(','))
        {
            configuration.Change("FaultControl:Key", reload);
        }

        foreach (var key in new[] { "the-right-key-0123456789", "the-next-key-9876543210", "short" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/faults");
            request.Headers.Add("X-Fault-Control-Key", key);
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.True((response.StatusCode == HttpStatusCode.OK) == (key == inForce), $"{key}: {(int)response.StatusCode} after reloads {reloads}");
        }
    }

    [Fact]
    public async Task FaultHeaders_WithoutKey_AreRefusedWithoutLoggingAboveDebug()
    {
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?>
        {
            ["FaultControl:Enabled"] = "true",
            ["FaultControl:Key"] = "the-right-key-0123456789",
        }, services => services.AddLogging(logging => logging.AddFakeLogging()), environment: "Production");
        using var http = hello.CreatePlainClient();
        hello.Services.GetFakeLogCollector().Clear(); // start-up's own lines

        for (var i = 0; i < 20; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
            request.Headers.Add("X-Fault-Rate", "1");
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var logs = hello.Services.GetFakeLogCollector().GetSnapshot();
        Assert.DoesNotContain(logs, record => record.Level >= LogLevel.Information && record.Category?.StartsWith("RetryDemo", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(logs, record => record.Exception is not null);
    }

    [Fact]
    public async Task GetHello_WithSeed_FailsTheSameAttemptsOnEveryInstance()
    {
        // Two fresh instances (replicas, or two runs), the same seeds and request ids: the same statuses.
        var runs = new List<List<HttpStatusCode>>();
        for (var instance = 0; instance < 2; instance++)
        {
            await using var hello = StartHello();
            using var http = hello.CreatePlainClient();
            var statuses = new List<HttpStatusCode>();
            for (var call = 0; call < 20; call++)
            {
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
                    request.Headers.Add("X-Request-Id", $"seeded-{call}");
                    request.Headers.Add("X-Fault-Rate", "0.5");
                    request.Headers.Add("X-Fault-Seed", (1000 + call).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
                    statuses.Add(response.StatusCode);
                }
            }

            runs.Add(statuses);
        }

        Assert.Equal(runs[0], runs[1]);
        // And it is a rate, not a constant: both answers occur (60 rolls at 0.5).
        Assert.Contains(HttpStatusCode.OK, runs[0]);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, runs[0]);
    }

    [Fact]
    public async Task GetHello_ConfiguredSeed_TheNthRequestRollsTheSameOnEveryInstanceAndAfterReset()
    {
        // Faults:Seed from configuration: request n since the last reset rolls (seed, n), whatever its id.
        Dictionary<string, string?> profile = new() { ["Faults:FailureRate"] = "0.5", ["Faults:Seed"] = "42" };
        // Written out, not computed by the product's own dice: a change to the rolls shows here (F fails, . succeeds).
        const string pinned = "FF.FFFF..FFF.FFFFF.FFF.FF...FFFFFF...F.F";
        var expected = pinned.Select(c => c == 'F' ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK).ToList();
        var runs = new List<List<HttpStatusCode>>();
        for (var instance = 0; instance < 2; instance++)
        {
            await using var hello = StartHello(profile);
            using var http = hello.CreatePlainClient();
            for (var run = 0; run < 2; run++)
            {
                var statuses = new List<HttpStatusCode>();
                for (var call = 0; call < expected.Count; call++)
                {
                    using var response = await http.GetAsync("/hello", TestContext.Current.CancellationToken);
                    statuses.Add(response.StatusCode);
                }

                runs.Add(statuses);
                (await http.PostAsync("/faults/reset", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            }
        }

        Assert.All(runs, statuses => Assert.Equal(expected, statuses));
        // A sequence, not one roll repeated: both answers occur.
        Assert.Contains(HttpStatusCode.OK, expected);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, expected);
    }

    [Fact]
    public async Task GetHello_ConfiguredSeedAndARequestSeed_TheRequestsSeedDecides()
    {
        await using var hello = StartHello(new() { ["Faults:FailureRate"] = "0.5", ["Faults:Seed"] = "42" });
        using var http = hello.CreatePlainClient();
        // The request's own seed rolls (seed, attempt): attempt 1 of seed 1 rolls under 0.5, so every call fails,
        // where the configured seed alone would let the third succeed (its sequence is pinned above).
        const int seed = 1;

        for (var call = 0; call < 5; call++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
            request.Headers.Add("X-Request-Id", $"own-seed-{call}");
            request.Headers.Add("X-Fault-Seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
    }

    [Fact]
    public void Roll_SeededRolls_AreUniformEnough()
    {
        // 100,000 seeded rolls: the share under 0.5 is 0.5 within five standard deviations (±0.008).
        var below = 0;
        for (var seed = 0; seed < 10_000; seed++)
        {
            for (var attempt = 1; attempt <= 10; attempt++)
            {
                var roll = FaultDice.Roll(seed, attempt);
                Assert.InRange(roll, 0.0, 0.9999999999999999);
                below += roll < 0.5 ? 1 : 0;
            }
        }

        Assert.InRange(below / 100_000.0, 0.492, 0.508);
    }
}
