using System.Diagnostics;
using OpenTelemetry;

namespace RetryDemo.ClientService.Diagnostics;

/// <summary>
/// Tags each HttpClient span with the attempt it belongs to. The span is created below the resilience
/// pipeline, where the attempt number is not visible, so <see cref="AttemptContext"/> carries it down.
/// </summary>
public sealed class AttemptSpanProcessor : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        if (data.Kind == ActivityKind.Client && AttemptContext.Current is { } attempt)
        {
            data.SetTag(AttemptContext.AttemptTag, attempt.Number);
            if (attempt.Number > 1)
            {
                // OpenTelemetry semantic convention for a resent HTTP request.
                data.SetTag("http.request.resend_count", attempt.Number - 1);
            }

            if (attempt.Hedge)
            {
                data.SetTag(AttemptContext.HedgeTag, true);
            }
        }
    }
}
