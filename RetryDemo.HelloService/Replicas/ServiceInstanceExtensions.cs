using RetryDemo.Contracts;

namespace RetryDemo.HelloService.Replicas;

public static class ServiceInstanceExtensions
{
    public static IHostApplicationBuilder AddServiceInstance(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ServiceInstance>();
        return builder;
    }

    /// <summary>
    /// Every answer names the replica that gave it (<see cref="WireHeaders.Instance"/>), errors included, so
    /// ClientService's attempt report can show a retry landing on another replica.
    /// </summary>
    public static IApplicationBuilder UseInstanceHeader(this IApplicationBuilder app)
    {
        var name = app.ApplicationServices.GetRequiredService<ServiceInstance>().Name;
        return app.Use((context, next) =>
        {
            context.Response.Headers[WireHeaders.Instance] = name;
            return next(context);
        });
    }
}
