namespace RetryDemo.HelloService.Hello;

public static class HelloExtensions
{
    public static IHostApplicationBuilder AddHello(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ServiceInstance>();
        return builder;
    }
}
