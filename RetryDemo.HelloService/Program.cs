using RetryDemo.HelloService.Faults.Control;
using RetryDemo.HelloService.Faults;
using RetryDemo.HelloService.Greetings;
using RetryDemo.HelloService.Hello;
using RetryDemo.HelloService.Replicas;
using RetryDemo.HelloService;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceInstance();
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
