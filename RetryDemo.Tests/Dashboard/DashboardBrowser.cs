using Microsoft.Playwright;

namespace RetryDemo.Tests.Dashboard;

/// <summary>
/// The Chromium the dashboard tests drive: Playwright's own when it is installed, otherwise a Chromium on
/// the PATH (Debian: <c>apt-get install chromium</c>). Playwright cannot download a browser here.
/// </summary>
public static class DashboardBrowser
{
    /// <summary>Set (to 1) where a missing browser must fail the tests instead of skipping them, as in CI.</summary>
    public const string RequireVariable = "RETRYDEMO_REQUIRE_BROWSER";

    private static readonly string[] PathNames = ["chromium", "chromium-browser", "google-chrome"];

    // As root (CI, containers) Chromium needs --no-sandbox; the rest keeps it off a closed network.
    private static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    /// <summary>Why the browser tests skip here (no browser, and none required), or null when they run.</summary>
    public static string? SkipReason => Required ? null : MissingReason;

    /// <summary>Why no browser can be launched, or null when one can.</summary>
    public static string? MissingReason => HasPlaywrightChromium() || OnPath() is not null ? null :
        "No Chromium for the dashboard browser tests: Playwright's own is not installed and none is on the PATH. " +
        "Install one with 'apt-get install chromium' (Debian/Ubuntu) or, where downloads work, Playwright's installer " +
        "('pwsh RetryDemo.Tests/bin/Debug/net10.0/playwright.ps1 install chromium'). " +
        $"{RequireVariable}=1 makes this a failure instead of a skip (CI sets it).";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (File.Exists(playwright.Chromium.ExecutablePath))
        {
            // Channel "chromium" is the full build that ExecutablePath names (not the separate headless shell).
            return playwright.Chromium.LaunchAsync(new() { Channel = "chromium", Args = Args });
        }

        var executable = OnPath() ?? throw new InvalidOperationException(MissingReason);
        return playwright.Chromium.LaunchAsync(new() { ExecutablePath = executable, Args = Args });
    }

    private static bool HasPlaywrightChromium()
    {
        var browsers = Environment.GetEnvironmentVariable("PLAYWRIGHT_BROWSERS_PATH") is { Length: > 0 } configured && configured != "0"
            ? configured
            : OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "ms-playwright")
            : OperatingSystem.IsMacOS() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Library", "Caches", "ms-playwright")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "ms-playwright");
        return Directory.Exists(browsers) && Directory.EnumerateDirectories(browsers, "chromium-*").Any();
    }

    private static string? OnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(directory => PathNames.Select(name => Path.Combine(directory, name)))
            .FirstOrDefault(File.Exists);
}
