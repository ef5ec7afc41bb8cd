CREATE (a:P {name: 'x'}
