using RetryDemo.ClientService.Faults;
using RetryDemo.ClientService.Greetings;
using RetryDemo.ClientService.Hello;
using RetryDemo.ClientService.HelloServiceClient;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddHelloClient();
builder.AddFaultForwarding();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapHelloApi();
app.MapGreetingsApi();

app.Run();
