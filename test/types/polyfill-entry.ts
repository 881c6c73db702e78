import 'native-webcodecs/polyfill';
