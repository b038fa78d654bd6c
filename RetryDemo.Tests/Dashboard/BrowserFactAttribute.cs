namespace RetryDemo.Tests.Dashboard;

/// <summary>
/// A test that drives a real browser: reported as skipped, with what is missing and how to install it,
/// on a machine without Chromium — unless <see cref="DashboardBrowser.Required"/>, where it runs and fails.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!DashboardBrowser.Required && DashboardBrowser.MissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}
