using RetryDemo.HelloService.Faults;
using RetryDemo.HelloService.Greetings;
using RetryDemo.HelloService.Hello;
using RetryDemo.HelloService.Store;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddHello();
builder.AddSharedState();
builder.AddFaultInjection();

var app = builder.Build();

app.UseInstanceHeader();
app.MapDefaultEndpoints();
app.UseSharedState();
app.MapHelloApi();
app.MapGreetingsApi();
app.MapFaultsApi();

app.Run();
