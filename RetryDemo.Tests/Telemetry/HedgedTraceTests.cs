using System.Globalization;
using RetryDemo.Tests.AspireHosting;

namespace RetryDemo.Tests.Telemetry;

/// <summary>
/// A hedged call as the dashboard receives it, with the services started by the real AppHost: one trace in
/// which the slow first attempt's span and the hedge's span run at the same time, each reaching HelloService.
/// </summary>
[Collection(DefaultAppCollection.Name)]
[Trait("Category", "App")]
public sealed class HedgedTraceTests
{
    private readonly DefaultApp app;

    public HedgedTraceTests(DefaultApp app) => (this.app = app).Running.AttachToCurrentTest();

    [Fact]
    public async Task HedgedCall_SlowFirstAttempt_ExportsTwoAttemptSpansOverlappingInTime()
    {
        await app.ResetFaultsAsync();
        await app.Running.RestartClientAsync();
        using var client = app.Running.CreateHttpClient("client");

        // Seed 4: attempt 1 is one of the slow half (1 s), attempt 2 is not (the dashboard button's scenario).
        (await client.GetAsync("/hello/hedged?slowRate=0.5&seed=4", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        var attempts = await app.Running.Otlp.WaitForAsync(
            o => o.Spans.LastOrDefault(s => s.ServiceName == "client" && s.Kind == OtlpSpan.ServerKind && s.Name.EndsWith(" /hello/hedged", StringComparison.Ordinal)) is { } inbound
                && o.Spans.Where(s => s.ServiceName == "client" && s.Kind == OtlpSpan.ClientKind && s.ParentSpanId == inbound.SpanId).ToList() is { Count: 2 } spans
                && o.Spans.Count(s => s.ServiceName == "hello" && s.Kind == OtlpSpan.ServerKind && spans.Any(a => a.SpanId == s.ParentSpanId)) == 2 ? spans : null,
            "the inbound GET /hello/hedged span, its two attempt spans and HelloService's server span under each");

        var first = Assert.Single(attempts, s => s.Attributes[Attempt] == "1");
        var hedge = Assert.Single(attempts, s => s.Attributes[Attempt] == "2");
        Assert.Equal("true", hedge.Attributes["retrydemo.hedge"]);
        Assert.False(first.Attributes.ContainsKey("retrydemo.hedge"));
        Assert.True(hedge.StartUnixNano < first.EndUnixNano && first.StartUnixNano < hedge.EndUnixNano,
            $"the two attempts ran at the same time: first {Span(first)}, hedge {Span(hedge)}");
        Assert.Equal("200", hedge.Attributes["http.response.status_code"]);
    }

    private const string Attempt = "retrydemo.attempt";

    private static string Span(OtlpSpan span) =>
        string.Create(CultureInfo.InvariantCulture, $"{span.StartUnixNano / 1e6:F1}–{span.EndUnixNano / 1e6:F1} ms");
}
