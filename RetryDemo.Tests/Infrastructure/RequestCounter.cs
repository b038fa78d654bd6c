using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>Counts the requests a test host receives on one path, before anything else runs (<c>configureHello: s => s.AddSingleton&lt;IStartupFilter&gt;(counter)</c>).</summary>
public sealed class RequestCounter(string path) : IStartupFilter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Path.StartsWithSegments(path))
            {
                Interlocked.Increment(ref _count);
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
