namespace RetryDemo.HelloService.Greetings;

public sealed record GreetingList(int Count, IReadOnlyList<Greeting> Latest);
