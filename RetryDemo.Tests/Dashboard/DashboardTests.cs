using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace RetryDemo.Tests.Dashboard;

/// <summary>
/// What a person sees in the Aspire dashboard, in a real browser (Playwright driving Chromium): elements
/// are found by role and visible text, and every wait is Playwright's wait for a condition.
/// </summary>
[Trait("Category", "Browser")]
public sealed class DashboardTests : IClassFixture<DashboardSession>
{
    private readonly DashboardSession session;

    public DashboardTests(DashboardSession session)
    {
        this.session = session;
        session.Running?.AttachToCurrentTest();
    }

    private static readonly string[] HelloCommands = ["Fail next 5 requests", "Throttle next 3 (429)", "Outage on", "Outage off", "Reset faults"];

    [Fact]
    public async Task Resources_HelloAndClientRunningAndHealthy_ClientCarriesTheScenarioLinks()
    {
        DashboardSession.SkipUnlessBrowser();
        var page = await session.OpenAsync("/");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Resources", Level = 1 })).ToBeVisibleAsync();
        foreach (var name in new[] { "hello", "client" })
        {
            var row = ResourceRow(page, name);
            await Expect(row.GetByRole(AriaRole.Gridcell, new() { Name = "Running", Exact = true })).ToBeVisibleAsync();

            // Health is in the resource's details pane, not a column.
            await ClickUntilVisibleAsync(
                row.GetByRole(AriaRole.Gridcell, new() { Name = "Running", Exact = true }),
                page.GetByRole(AriaRole.Heading, new() { Name = $"Project: {name}", Level = 2 }));
            await Expect(page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex("^Health state ") })).ToContainTextAsync("Healthy");
            await page.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        }

        // No error banner or notification about development certificates (the services serve plain HTTP).
        await Expect(page.GetByText("development certificate")).ToHaveCountAsync(0);
        await DashboardSession.ScreenshotAsync(page, "resources");

        // The seed and hedging links sit behind the "+2" badge in client's URLs cell.
        await ResourceRow(page, "client").GetByText("+2", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Seed scenario (500, 500, 200)" }))
            .ToHaveAttributeAsync("href", new Regex(@"^http://localhost:\d+/hello\?failFirst=2&failStatus=500$"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Hedged call (slow first attempt)" }))
            .ToHaveAttributeAsync("href", new Regex(@"^http://localhost:\d+/hello/hedged\?slowRate=0\.5&seed=4$"));
    }

    [Fact]
    public async Task HelloCommands_AreListedByDisplayName_FailNextAndResetWorkFromTheUi()
    {
        DashboardSession.SkipUnlessBrowser();
        var page = await session.OpenAsync("/");
        var hello = ResourceRow(page, "hello");

        await OpenCommandsAsync(page, hello);
        foreach (var command in HelloCommands)
        {
            await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = command, Exact = true })).ToBeVisibleAsync();
        }

        await page.Keyboard.PressAsync("Escape");
        using var helloHttp = session.Running.CreateHttpClient("hello");

        await RunCommandAsync(page, hello, "Fail next 5 requests");
        using (var failed = await helloHttp.GetAsync("/hello", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        await RunCommandAsync(page, hello, "Reset faults");
        using (var recovered = await helloHttp.GetAsync("/hello", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        }
    }

    [Fact]
    public async Task Traces_ListTheSeedTrace_With4ClientAnd3HelloSpans()
    {
        DashboardSession.SkipUnlessBrowser();
        var page = await session.OpenAsync("/traces");

        var trace = page.GetByRole(AriaRole.Region, new() { Name = "Traces" }).GetByRole(AriaRole.Row)
            .Filter(new() { HasText = session.SeedTraceId[..7] });

        await Expect(trace).ToHaveCountAsync(1);
        await Expect(trace).ToContainTextAsync("client: GET /hello");
        // The counts grow as span batches arrive; Expect waits until they are complete.
        await Expect(trace.GetByText("client (4)", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(trace.GetByText("hello (3)", new() { Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TraceDetail_ShowsThreeAttemptSpans_500_500_200_WithTheirAttemptNumbers()
    {
        DashboardSession.SkipUnlessBrowser();
        var page = await session.OpenAsync($"/traces/detail/{session.SeedTraceId}");
        var spans = page.GetByRole(AriaRole.Region, new() { Name = "Trace detail" });

        // The name cells read "client: HTTP GET 500 Status = Error" and "client: HTTP GET 200".
        var attempts = spans.GetByRole(AriaRole.Gridcell, new() { NameRegex = new Regex(@"^client: HTTP GET \d{3}( Status = Error)?$") });
        await Expect(attempts).ToHaveCountAsync(3);

        string[] statuses = ["500", "500", "200"];
        for (var i = 2; i >= 0; i--)
        {
            await Expect(attempts.Nth(i)).ToHaveAccessibleNameAsync(new Regex($"^client: HTTP GET {statuses[i]}"));
            await attempts.Nth(i).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex(@"^retrydemo\.attempt ") }))
                .ToHaveAccessibleNameAsync(new Regex($@"^retrydemo\.attempt .*\b{i + 1}\b"));
            await Expect(page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex(@"^http\.response\.status_code ") }))
                .ToHaveAccessibleNameAsync(new Regex($@"^http\.response\.status_code .*\b{statuses[i]}\b"));
        }

        await DashboardSession.ScreenshotAsync(page, "trace-detail");
    }

    [Fact]
    public async Task TraceDetail_HedgedCall_ShowsTheHedgeBesideTheSlowFirstAttempt()
    {
        DashboardSession.SkipUnlessBrowser();
        using var client = session.Running.CreateHttpClient("client");
        // The dashboard button's scenario: attempt 1 a second late, the hedge sent after 50 ms answers.
        var traceId = await session.CallUntilTracedAsync(client, "/hello/hedged?slowRate=0.5&seed=4",
            new() { NameRegex = new Regex(@"^client: HTTP GET( \d{3})?( Status = Error)?$") }, spans: 2, tries: 3, TimeSpan.FromSeconds(20));

        var page = await session.OpenAsync($"/traces/detail/{traceId}");
        var hedge = page.GetByRole(AriaRole.Region, new() { Name = "Trace detail" })
            .GetByRole(AriaRole.Gridcell, new() { Name = "client: HTTP GET 200", Exact = true });
        await Expect(hedge).ToHaveCountAsync(1);
        await hedge.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex(@"^retrydemo\.hedge ") }))
            .ToHaveAccessibleNameAsync(new Regex(@"^retrydemo\.hedge .*\btrue\b"));
        await Expect(page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex(@"^retrydemo\.attempt ") }))
            .ToHaveAccessibleNameAsync(new Regex(@"^retrydemo\.attempt .*\b2\b"));

        await DashboardSession.ScreenshotAsync(page, "trace-hedged");
    }

    [Fact]
    public async Task StructuredLogs_FilteredToTheSeedTrace_ShowTheThreeHelloAttempts()
    {
        DashboardSession.SkipUnlessBrowser();
        var page = await session.OpenAsync($"/structuredlogs?traceId={session.SeedTraceId}");
        var logs = page.GetByRole(AriaRole.Region, new() { Name = "Structured logs" }).GetByRole(AriaRole.Row);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await Expect(logs.Filter(new() { HasTextRegex = new Regex($"Hello attempt {attempt} of request [0-9a-f]{{32}}: ") })).ToHaveCountAsync(1);
        }

        await Expect(logs.Filter(new() { HasText = "Hello attempt 3 of request" })).ToContainTextAsync(": 200 in");
        await DashboardSession.ScreenshotAsync(page, "structured-logs");
    }

    [Fact]
    public async Task Metrics_ForClient_ListTheAttemptsHistogram()
    {
        DashboardSession.SkipUnlessBrowser();
        var page = await session.OpenAsync("/metrics/resource/client");

        await Expect(page.GetByText("retrydemo.hello.call.attempts", new() { Exact = true })).ToBeVisibleAsync();
        // The tree item's text is in its shadow DOM; its host carries the instrument's name as its title.
        await page.GetByTitle("retrydemo.hello.call.attempts", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "retrydemo.hello.call.attempts", Level = 3 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "success", Exact = true })).ToBeVisibleAsync();
    }

    private static ILocator ResourceRow(IPage page, string name) =>
        page.GetByRole(AriaRole.Region, new() { Name = "Resources" }).GetByRole(AriaRole.Row)
            .Filter(new() { Has = page.GetByRole(AriaRole.Gridcell, new() { Name = $"Project: {name}", Exact = true }) });

    /// <summary>
    /// Clicks <paramref name="target"/> until <paramref name="opened"/> shows. A click that lands while the
    /// dashboard is still connecting its Blazor circuit, or on a grid row being re-rendered, does nothing:
    /// once, in a full test run on 2 busy cores, the details pane never opened. Four clicks on the same page
    /// also did nothing once (CI, 2026-12-07: the grid half-rendered, client's URLs "+0"), so each retry
    /// loads the page again first. Bounded: 4 clicks, 10 s each.
    /// </summary>
    private static async Task ClickUntilVisibleAsync(ILocator target, ILocator opened)
    {
        for (var click = 1; ; click++)
        {
            await target.ClickAsync();
            try
            {
                await Expect(opened).ToBeVisibleAsync(new() { Timeout = 10_000 });
                return;
            }
            catch (PlaywrightException) when (click < 4)
            {
                // A click that was only slow opened it meanwhile: clicking again would close it.
                if (await opened.IsVisibleAsync())
                {
                    return;
                }

                await target.Page.ReloadAsync();
            }
        }
    }

    /// <summary>The row's "Actions" (…) menu, then the "Commands" submenu where the dashboard groups a resource's several commands.</summary>
    private static async Task OpenCommandsAsync(IPage page, ILocator row)
    {
        await row.GetByRole(AriaRole.Button, new() { Name = "Actions" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Commands", Exact = true }).ClickAsync();
    }

    private static async Task RunCommandAsync(IPage page, ILocator row, string command)
    {
        await OpenCommandsAsync(page, row);
        await page.GetByRole(AriaRole.Menuitem, new() { Name = command, Exact = true }).ClickAsync();

        // No confirmation is asked; a toast reports success and stays until closed.
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        var toast = page.GetByRole(AriaRole.Listitem, new() { Name = $"hello \"{command}\" succeeded", Exact = true });
        await Expect(toast).ToBeVisibleAsync();
        // Its close control has neither role nor name to Playwright (the role comes from ElementInternals);
        // its slot is the least internal handle.
        await toast.Locator("[slot=action]").ClickAsync();
        await Expect(toast).ToHaveCountAsync(0);
    }
}
