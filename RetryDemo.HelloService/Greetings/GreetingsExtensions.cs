namespace RetryDemo.HelloService.Greetings;

public static class GreetingsExtensions
{
    public static IHostApplicationBuilder AddGreetings(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GreetingStore>();
        return builder;
    }
}
