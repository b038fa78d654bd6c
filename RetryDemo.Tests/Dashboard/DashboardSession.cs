using System.Diagnostics;
using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using RetryDemo.Tests.AspireHosting;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Dashboard;

/// <summary>
/// The app with its dashboard, one browser logged in to it, and one seed-scenario call made with a trace
/// id chosen here, so each test can find that call's trace however many others the dashboard shows.
/// </summary>
public sealed class DashboardSession : IAsyncLifetime
{
    /// <summary>Where the screenshots go (git ignores it); the best are copied to docs/images by hand.</summary>
    public static readonly string Screenshots = Path.Combine(RepositoryPaths.Root, "artifacts", "dashboard");

    private static readonly TimeSpan ExpectTimeout = TimeSpan.FromSeconds(30);

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public RetryDemoApp Running { get; private set; } = null!;

    public IBrowserContext Browser { get; private set; } = null!;

    public Uri Dashboard { get; private set; } = null!;

    /// <summary>The trace of the seed scenario's call, once it has reached the dashboard (<see cref="CallUntilTracedAsync"/>).</summary>
    public string SeedTraceId { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        if (DashboardBrowser.SkipReason is not null)
        {
            // Every test skips (SkipUnlessBrowser): starting the app for them would be wasted.
            return;
        }

        if (DashboardBrowser.MissingReason is { } missing)
        {
            // Required here (CI): fail every test, naming what is missing.
            throw new InvalidOperationException(missing);
        }

        Directory.CreateDirectory(Screenshots);
        Assertions.SetDefaultExpectTimeout((float)ExpectTimeout.TotalMilliseconds);
        Running = await RetryDemoApp.StartWithDashboardAsync();
        var login = await Limit.WithinAsync(TimeSpan.FromMinutes(1), "The dashboard gave no login URL", ct => Running.App.GetDashboardUrlAsync(ct));
        Assert.NotNull(login);
        Dashboard = new Uri(login.GetLeftPart(UriPartial.Authority));

        _playwright = await Playwright.CreateAsync();
        _browser = await DashboardBrowser.LaunchAsync(_playwright);
        Browser = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 800 } });
        Browser.SetDefaultTimeout((float)ExpectTimeout.TotalMilliseconds);
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(login.ToString()); // sets the auth cookie for every page of this context
        await page.CloseAsync();

        using var client = Running.CreateHttpClient("client");
        // Until one call's trace arrives, the services' exporters and the dashboard are not yet both up.
        await CallUntilTracedAsync(client, "/hello", new() { Name = "client: HTTP GET 200", Exact = true }, spans: 1, tries: 12, TimeSpan.FromSeconds(10));
        SeedTraceId = await CallUntilTracedAsync(client, "/hello?failFirst=2&failStatus=500",
            new() { NameRegex = new System.Text.RegularExpressions.Regex("^client: HTTP GET \\d{3}( Status = Error)?$") }, spans: 3, tries: 3, TimeSpan.FromSeconds(20));
    }

    /// <summary>
    /// Calls <paramref name="path"/> with a trace of its own until the dashboard's trace detail shows
    /// <paramref name="spans"/> client spans matching <paramref name="span"/>, each call given <paramref name="wait"/>;
    /// returns that call's trace id. Also the seed call: on two busy cores in a full test run a whole export batch
    /// was lost twice in CI (nothing of that call, spans or logs, ever arrived), so it is made again with a trace
    /// of its own, each retry said in the test output.
    /// </summary>
    public async Task<string> CallUntilTracedAsync(HttpClient client, string path, LocatorGetByRoleOptions span, int spans, int tries, TimeSpan wait)
    {
        var page = await Browser.NewPageAsync();
        for (var attempt = 1; ; attempt++)
        {
            var traceId = ActivityTraceId.CreateRandom().ToHexString();
            await CallAsync(client, path, traceId);
            try
            {
                await ShowTraceAsync(page, traceId, span, spans, wait);
                await page.CloseAsync();
                return traceId;
            }
            catch (PlaywrightException) when (attempt < tries)
            {
                TestContext.Current.SendDiagnosticMessage($"The trace {traceId} of GET {path} did not reach the dashboard within {wait.TotalSeconds:0} s; calling again.");
            }
            catch (PlaywrightException ex)
            {
                throw new TimeoutException($"No trace of GET {path} reached the dashboard after {tries} calls, {wait.TotalSeconds:0} s apart.", ex);
            }
        }
    }

    /// <summary>
    /// Opens the trace's page until it shows the spans, within <paramref name="wait"/>. Reloaded, not watched: a page
    /// opened before the trace's first export says "couldn't find trace" and is not updated when the spans arrive
    /// (a hedged call answers in about 50 ms, well inside the exporters' one-second batch).
    /// </summary>
    private async Task ShowTraceAsync(IPage page, string traceId, LocatorGetByRoleOptions span, int spans, TimeSpan wait)
    {
        var detail = new Uri(Dashboard, $"/traces/detail/{traceId}").ToString();
        var until = Stopwatch.StartNew();
        while (true)
        {
            await page.GotoAsync(detail);
            // A look of 3 s, or what is left of the wait (at least 1 s).
            var look = Math.Clamp((wait - until.Elapsed).TotalMilliseconds, 1_000, 3_000);
            try
            {
                await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Trace detail" }).GetByRole(AriaRole.Gridcell, span))
                    .ToHaveCountAsync(spans, new() { Timeout = (float)look });
                return;
            }
            catch (PlaywrightException) when (until.Elapsed < wait)
            {
                // Not there yet: load the page again.
            }
        }
    }

    private static async Task CallAsync(HttpClient client, string path, string traceId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// Skips the calling test, with the reason shown in the test run's output, on a machine without a
    /// browser (unless <see cref="DashboardBrowser.Required"/>).
    /// </summary>
    public static void SkipUnlessBrowser()
    {
        if (DashboardBrowser.SkipReason is { } reason)
        {
            // VSTest's console shows a skip's reason only at detailed verbosity; a diagnostic message (on in
            // xunit.runner.json) is shown as a warning at normal verbosity too.
            TestContext.Current.SendDiagnosticMessage($"{TestContext.Current.Test?.TestDisplayName} skipped: {reason}");
            Assert.Skip(reason);
        }
    }

    public async Task<IPage> OpenAsync(string path)
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(new Uri(Dashboard, path).ToString());
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}.png") });

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Running is not null)
        {
            await Running.DisposeAsync();
        }
    }
}
