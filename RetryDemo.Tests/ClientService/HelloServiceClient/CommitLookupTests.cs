using System.Net;
using System.Text;
using RetryDemo.ClientService.Faults;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.Tests.ClientService.HelloServiceClient;

/// <summary>
/// After every attempt of a keyed write fails, ClientService asks HelloService whether the write was
/// committed (<see cref="CommitLookup"/>). On virtual time, with HelloService scripted: what each answer
/// to that question makes of the call, and what the question costs the pipeline (nothing).
/// </summary>
[Trait("Category", "Unit")]
public sealed class CommitLookupTests
{
    private const string Greeting = """{"id":"g-1","message":"Hello, Ada!","createdAt":"2026-12-01T00:00:00Z"}""";

    private static HttpResponseMessage Json(HttpStatusCode status, string body, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    /// <summary>
    /// Every POST fails with 503; the lookup gets <paramref name="lookup"/>, a 404 of it marked as HelloService marks
    /// a check that closed the key to the call it named, unless <paramref name="closes"/> is false. Records each lookup's URI.
    /// </summary>
    private static (ScriptedHandler Hello, List<Uri> Lookups) Scripted(Func<CancellationToken, Task<HttpResponseMessage>> lookup, bool closes = true)
    {
        var lookups = new List<Uri>();
        var handler = new ScriptedHandler(async (self, attempt, ct) =>
            self.LastRequest!.Method == HttpMethod.Get ? Closing(self.LastRequest, await lookup(ct), closes) : ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable));
        handler.AttemptStarted += request =>
        {
            if (request.Method == HttpMethod.Get)
            {
                lock (lookups)
                {
                    lookups.Add(request.RequestUri!);
                }
            }
        };
        return (handler, lookups);
    }

    // HelloService's answer to a check that found nothing names the call it closed the key to.
    private static HttpResponseMessage Closing(HttpRequestMessage check, HttpResponseMessage answer, bool closes = true)
    {
        if (closes && answer.StatusCode == HttpStatusCode.NotFound)
        {
            answer.Headers.Add("X-Closed-Request-Id", check.Headers.GetValues("X-Request-Id"));
        }

        return answer;
    }

    private static Task<HelloCallResult<GreetingReply>> CreateAsync(HelloPipeline pipeline, string key = "key-1") =>
        pipeline.RunAsync(client => client.CreateGreetingAsync("Ada", key, FaultValues.None, CancellationToken.None));

    [Fact]
    public async Task CreateGreetingAsync_AllAttemptsFailAndTheLookupFindsTheCommit_SucceedsReconciled()
    {
        var (hello, _) = Scripted(_ => Task.FromResult(Json(HttpStatusCode.OK, Greeting)));
        await using var pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        Assert.Null(result.Failure);
        Assert.Equal("g-1", result.Reply!.Id);
        Assert.True(result.Report.Reconciled);
    }

    [Fact]
    public async Task CreateGreetingAsync_LookupTakesHalfASecond_TheReportsTotalCoversIt()
    {
        HelloPipeline? pipeline = null;
        var (hello, _) = Scripted(async ct =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), pipeline!.Time, ct);
            return Json(HttpStatusCode.OK, Greeting);
        });
        await using var created = pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        var last = result.Report.Attempts[^1];
        Assert.True(result.Report.Reconciled);
        Assert.True(result.Report.TotalElapsed >= last.StartedAt + last.Duration + TimeSpan.FromMilliseconds(500),
            $"the report says {result.Report.TotalElapsed}; the attempts ended at {last.StartedAt + last.Duration}, and the lookup took 500 ms more");
    }

    /// <summary>
    /// A 404 that does not say it closed the key to this call (a HelloService from before closings, a proxy's own
    /// 404) leaves a write of the call still on its way free to land: the outcome is unknown, not "none created".
    /// </summary>
    [Fact]
    public async Task CreateGreetingAsync_TheLookups404ClosedNothing_ReportsTheOutcomeUnknown()
    {
        var (hello, _) = Scripted(_ => Task.FromResult(Json(HttpStatusCode.NotFound, """{"title":"Not found"}""", "application/problem+json")), closes: false);
        await using var pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        Assert.Equal(HelloFailure.OutcomeUnknown, result.Failure);
    }

    /// <summary>The lookup names the call it checks, the id every attempt carried, so HelloService can close the key to that call's late attempts.</summary>
    [Fact]
    public async Task CreateGreetingAsync_AllAttemptsFail_TheLookupCarriesTheCallsRequestId()
    {
        var (hello, _) = Scripted(_ => Task.FromResult(Json(HttpStatusCode.NotFound, """{"title":"Not found"}""", "application/problem+json")));
        var requestIds = new List<(HttpMethod Method, string? Id)>();
        hello.AttemptStarted += request =>
        {
            lock (requestIds)
            {
                requestIds.Add((request.Method, request.Headers.TryGetValues("X-Request-Id", out var ids) ? string.Join(",", ids) : null));
            }
        };
        await using var pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        var lookup = Assert.Single(requestIds, r => r.Method == HttpMethod.Get);
        Assert.Equal(result.Report.RequestId, lookup.Id);
        Assert.All(requestIds, r => Assert.Equal(result.Report.RequestId, r.Id));
    }

    [Fact]
    public async Task CreateGreetingAsync_AllAttemptsFailAndTheLookupFindsNothing_FailsAsNothingCreated()
    {
        var (hello, _) = Scripted(_ => Task.FromResult(Json(HttpStatusCode.NotFound, """{"title":"Not found"}""", "application/problem+json")));
        await using var pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        Assert.Equal(HelloFailure.Exhausted, result.Failure);
        Assert.False(result.Report.Reconciled);
    }

    public static TheoryData<string, HttpStatusCode, string> UnknownAnswers => new()
    {
        { "store down", HttpStatusCode.ServiceUnavailable, """{"title":"Store unavailable"}""" },
        { "a write with the key still in progress (it may yet commit)", HttpStatusCode.Conflict, """{"title":"Request in progress"}""" },
        { "a list, not a greeting", HttpStatusCode.OK, """{"count":0,"latest":[]}""" },
        { "a greeting without an id", HttpStatusCode.OK, """{"id":null,"message":"Hello, Ada!"}""" },
        { "not JSON", HttpStatusCode.OK, "<html>proxy</html>" },
    };

    [Theory]
    [MemberData(nameof(UnknownAnswers))]
    public async Task CreateGreetingAsync_TheLookupGetsNoUsableAnswer_ReportsTheOutcomeUnknown(string why, HttpStatusCode status, string body)
    {
        var (hello, _) = Scripted(_ => Task.FromResult(Json(status, body)));
        await using var pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        Assert.True(result.Failure == HelloFailure.OutcomeUnknown, $"{why}: {result.Failure}");
        Assert.Null(result.Reply);
        Assert.Equal(TimeSpan.FromSeconds(1), result.RetryAfter);
    }

    [Fact]
    public async Task CreateGreetingAsync_TheLookupHangs_IsCutAtTheAttemptTimeoutAndReportsUnknown()
    {
        ScriptedHandler? self = null;
        var (hello, _) = Scripted(ct => self!.HangAsync(ct));
        self = hello;
        await using var pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        Assert.Equal(HelloFailure.OutcomeUnknown, result.Failure);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("%2e")]
    [InlineData("a?b#c&d=e")]
    public async Task CreateGreetingAsync_AnyKeySpelling_TravelsAsOneQueryValueOfTheLookup(string key)
    {
        var (hello, lookups) = Scripted(_ => Task.FromResult(Json(HttpStatusCode.NotFound, "{}", "application/problem+json")));
        await using var pipeline = new HelloPipeline(hello);

        await CreateAsync(pipeline, key);

        var lookup = Assert.Single(lookups);
        Assert.Equal("/greetings/by-key", lookup.AbsolutePath);
        var query = lookup.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal(key, query["key"]);
        Assert.Equal(RetryDemo.Contracts.GreetingFingerprint.Of("Ada"), query["fingerprint"]);
    }

    [Fact]
    public async Task CreateGreetingAsync_TheLookupFindsTheKeyHeldForAnotherName_IsTheCallersMistake422()
    {
        var (hello, _) = Scripted(_ => Task.FromResult(Json(HttpStatusCode.UnprocessableEntity, """{"title":"Idempotency key reused"}""", "application/problem+json")));
        await using var pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        Assert.Equal(HelloFailure.Rejected, result.Failure);
        Assert.Equal(422, result.LastStatusCode);
        Assert.Null(result.Reply);
    }

    [Fact]
    public async Task CreateGreetingAsync_409WhileAnotherAttemptHoldsTheKey_IsRetriedWithoutCostingTheBudget()
    {
        // Four 409s and a 503: only the 503 may cost a token. Ending on a failure, no success refunds what the 409s took.
        var hello = new ScriptedHandler((self, attempt, _) => Task.FromResult(self.LastRequest!.Method == HttpMethod.Get
            ? Closing(self.LastRequest, Json(HttpStatusCode.NotFound, "{}", "application/problem+json"))
            : attempt <= 4
                ? Json(HttpStatusCode.Conflict, """{"title":"Request in progress"}""", "application/problem+json")
                : ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable)));
        await using var pipeline = new HelloPipeline(hello);
        var budget = (RetryBudget)pipeline.Services.GetService(typeof(RetryBudget))!;

        var result = await CreateAsync(pipeline);

        Assert.Equal([409, 409, 409, 409, 503], result.Report.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal(budget.Snapshot().MaxTokens - 1, budget.Snapshot().Tokens);
    }

    [Fact]
    public async Task CreateGreetingAsync_409WithRetryAfter_WaitsForItAndThenSucceeds()
    {
        var hello = new ScriptedHandler((attempt, _) =>
        {
            if (attempt > 1)
            {
                return Task.FromResult(Json(HttpStatusCode.Created, Greeting));
            }

            var conflict = Json(HttpStatusCode.Conflict, """{"title":"Request in progress"}""", "application/problem+json");
            conflict.Headers.RetryAfter = new(TimeSpan.FromSeconds(4));
            return Task.FromResult(conflict);
        });
        await using var pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        Assert.Null(result.Failure);
        Assert.Equal([409, 201], result.Report.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal(TimeSpan.FromSeconds(4), result.Report.Attempts[1].DelayBefore);
    }

    [Theory]
    [InlineData(503, 400)]
    [InlineData(0, 404)]
    [InlineData(500, 409, 400)]
    public async Task CreateGreetingAsync_AnAttemptThatMayHaveWrittenThenARefusal_AsksAndFindsTheCommit(params int[] statuses)
    {
        // 0: no answer (the attempt hangs past its timeout). The last attempt's refusal does not speak for the first.
        var lookups = 0;
        var hello = new ScriptedHandler(async (self, attempt, ct) =>
        {
            if (self.LastRequest!.Method == HttpMethod.Get)
            {
                Interlocked.Increment(ref lookups);
                return Json(HttpStatusCode.OK, Greeting);
            }

            var status = statuses[Math.Min(attempt, statuses.Length) - 1];
            if (status == 0)
            {
                return await self.HangAsync(ct);
            }

            return Json((HttpStatusCode)status, """{"title":"x"}""", "application/problem+json");
        });
        await using var pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        Assert.Null(result.Failure);
        Assert.Equal("g-1", result.Reply!.Id);
        Assert.True(result.Report.Reconciled);
        Assert.Equal(1, lookups);
    }

    [Fact]
    public async Task CreateGreetingAsync_ATimeoutThenARefusal_TheLookupFindsNothing_IsTheRefusal()
    {
        var hello = new ScriptedHandler(async (self, attempt, ct) =>
        {
            if (self.LastRequest!.Method == HttpMethod.Get)
            {
                return Closing(self.LastRequest, Json(HttpStatusCode.NotFound, "{}", "application/problem+json"));
            }

            if (attempt == 1)
            {
                return await self.HangAsync(ct);
            }

            return Json(HttpStatusCode.BadRequest, """{"title":"x"}""", "application/problem+json");
        });
        await using var pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        Assert.Equal(HelloFailure.Rejected, result.Failure);
        Assert.Equal(400, result.LastStatusCode);
    }

    [Fact]
    public async Task CreateGreetingAsync_OnlyRefusals_AsksNothing()
    {
        var lookups = 0;
        var hello = new ScriptedHandler((self, _, _) =>
        {
            if (self.LastRequest!.Method == HttpMethod.Get)
            {
                Interlocked.Increment(ref lookups);
            }

            return Task.FromResult(Json(HttpStatusCode.BadRequest, """{"title":"x"}""", "application/problem+json"));
        });
        await using var pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        Assert.Equal(HelloFailure.Rejected, result.Failure);
        Assert.Equal(0, lookups);
    }

    [Fact]
    public async Task CreateGreetingAsync_TheLookup_IsNotTrafficForTheRetryBudget()
    {
        var (hello, _) = Scripted(_ => Task.FromResult(Json(HttpStatusCode.NotFound, "{}", "application/problem+json")));
        await using var pipeline = new HelloPipeline(hello);
        var budget = (RetryBudget)pipeline.Services.GetService(typeof(RetryBudget))!;

        var result = await CreateAsync(pipeline);

        // Five failed attempts took five tokens; the lookup's 404 gave none back.
        Assert.Equal(5, result.Report.Attempts.Count);
        Assert.Equal(budget.Snapshot().MaxTokens - 5, budget.Snapshot().Tokens);
    }

    [Fact]
    public async Task CreateGreetingAsync_KeyReusedForAnotherName_IsRejectedWithoutALookup()
    {
        var lookups = 0;
        var hello = new ScriptedHandler((self, _, _) =>
        {
            if (self.LastRequest!.Method == HttpMethod.Get)
            {
                Interlocked.Increment(ref lookups);
            }

            return Task.FromResult(Json(HttpStatusCode.UnprocessableEntity, """{"title":"Idempotency key reused"}""", "application/problem+json"));
        });
        await using var pipeline = new HelloPipeline(hello);

        var result = await CreateAsync(pipeline);

        Assert.Equal(HelloFailure.Rejected, result.Failure);
        Assert.Equal(422, result.LastStatusCode);
        Assert.Equal(0, lookups);
    }
}
